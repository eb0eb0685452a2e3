//! A room's threads as the server lists them (`/threads`), newest activity first, kept up to
//! date from sync by matrix-sdk-ui's `ThreadListService`.

use futures_util::{Stream, StreamExt};
use matrix_sdk_ui::eyeball_im::Vector;
use matrix_sdk_ui::timeline::thread_list_service::{
    ThreadListItem, ThreadListItemEvent, ThreadListService,
};
use sparks_domain::ThreadRoot;

use crate::error::details;
use crate::timeline::{display_name, millis, preview_of};
use crate::{OpenRoom, RoomError};

impl OpenRoom {
    /// The room's threads: the first page from the server, then the whole list again after
    /// every change. One error item if the server cannot list them.
    pub fn threads(&self) -> impl Stream<Item = Result<Vec<ThreadRoot>, RoomError>> + Send + use<> {
        let room = self.timeline.room().clone();
        async_stream::stream! {
            let service = ThreadListService::new(room);
            if let Err(error) = service.paginate().await {
                yield Err(RoomError::Failed(details(&error)));
                return;
            }
            let (initial, mut changes) = service.subscribe_to_items_updates();
            let mut items: Vector<ThreadListItem> = initial;
            yield Ok(items.iter().map(root).collect());
            while let Some(diffs) = changes.next().await {
                for diff in diffs {
                    diff.apply(&mut items);
                }
                yield Ok(items.iter().map(root).collect());
            }
        }
    }
}

fn root(item: &ThreadListItem) -> ThreadRoot {
    let words =
        |event: &ThreadListItemEvent| event.content.as_ref().map(preview_of).unwrap_or_default();
    let name = |event: &ThreadListItemEvent| display_name(&event.sender_profile, &event.sender);
    ThreadRoot {
        event: item.root_event.event_id.to_string(),
        sender_name: name(&item.root_event),
        text: words(&item.root_event),
        timestamp_ms: millis(item.root_event.timestamp),
        replies: item.num_replies,
        latest: item
            .latest_event
            .as_ref()
            .map(|event| (name(event), words(event))),
    }
}
