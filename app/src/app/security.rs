//! Encryption: recovery, and the verification the dialog shows.

use iced::Task;

use super::{Message, Screen, Sparks};
use crate::errors;
use crate::screen::home;

impl Sparks {
    pub(super) fn update_security(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::VerificationAsked(asked) => {
                if let Screen::Home {
                    home, verification, ..
                } = &mut self.screen
                {
                    if home.verification_started(asked.id().to_owned(), asked.peer()) {
                        *verification = Some(asked);
                    } else {
                        // Busy with another: say no rather than leave them waiting.
                        return Task::future(async move { asked.cancel().await }).discard();
                    }
                }
            }
            Message::VerificationRequested(Ok(started)) => {
                if let Screen::Home {
                    home, verification, ..
                } = &mut self.screen
                    && home.verification_started(started.id().to_owned(), started.peer())
                {
                    *verification = Some(started);
                }
            }
            Message::VerificationRequested(Err(error)) => {
                let problem = errors::security(&self.i18n, &error);
                if let Screen::Home { home, .. } = &mut self.screen {
                    home.security_mut().show_problem(problem);
                }
            }
            Message::VerificationFailed(error) => {
                let problem = errors::security(&self.i18n, &error);
                if let Screen::Home { home, .. } = &mut self.screen {
                    home.verification_failed(problem);
                }
            }
            Message::Recovered(result) => {
                let result = result.map_err(|e| errors::security(&self.i18n, &e));
                if let Screen::Home { home, .. } = &mut self.screen {
                    home.security_mut().recovered(result);
                }
            }
            Message::RecoveryKey(result) => {
                let result = result.map_err(|e| errors::security(&self.i18n, &e));
                if let Screen::Home { home, .. } = &mut self.screen {
                    home.security_mut().key_created(result);
                }
            }
            _ => {}
        }
        Task::none()
    }

    pub(super) fn security_action(&mut self, action: home::Action) -> Task<Message> {
        let Screen::Home {
            session,
            verification,
            ..
        } = &mut self.screen
        else {
            return Task::none();
        };
        match action {
            home::Action::Recover(key) => {
                let session = session.clone();
                return Task::perform(
                    async move { session.recover(&key).await },
                    Message::Recovered,
                );
            }
            home::Action::EnableRecovery => {
                let session = session.clone();
                return Task::perform(
                    async move { session.enable_recovery().await },
                    Message::RecoveryKey,
                );
            }
            home::Action::Copy(key) => return iced::clipboard::write(key),
            home::Action::VerifyDevice => {
                let session = session.clone();
                return Task::perform(
                    async move { session.verify_this_device().await },
                    Message::VerificationRequested,
                );
            }
            home::Action::VerifyUser(user_id) => {
                let session = session.clone();
                return Task::perform(
                    async move { session.verify_user(&user_id).await },
                    Message::VerificationRequested,
                );
            }
            home::Action::Verification(action) => {
                use crate::screen::verification::Action as Answer;
                let Some(current) = verification.clone() else {
                    return Task::none();
                };
                if action == Answer::Dismiss {
                    *verification = None;
                    return Task::none();
                }
                return Task::future(async move {
                    let result = match action {
                        Answer::Accept => current.accept().await,
                        Answer::Confirm => current.confirm().await,
                        Answer::Mismatch => current.mismatch().await,
                        Answer::Cancel => current.cancel().await,
                        Answer::None | Answer::Dismiss => Ok(()),
                    };
                    result.err().map(Message::VerificationFailed)
                })
                .and_then(Task::done);
            }
            _ => {}
        }
        Task::none()
    }
}
