use tracing_subscriber::EnvFilter;

fn main() -> iced::Result {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("SPARKS_LOG").unwrap_or_else(|_| EnvFilter::new("warn,sparks=info,sparks_matrix=info")))
        .init();
    sparks::application().run()
}
