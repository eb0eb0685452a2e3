//! One message, one item. After a restart with messages still in the send queue, matrix-sdk-ui
//! can list a sent message twice: its local echo (now sent) and its remote echo from the sync,
//! both with the event id. Until the SDK drops the echo, the list the app gets shows the
//! message once: while twins exist the consumer gets the list whole (without them) instead of
//! the SDK's diffs, whose indices count them; once they are gone, the list whole once more and
//! then diffs again.

use std::collections::HashSet;

use sparks_domain::{ListDiff, TimelineEntry, TimelineItem};

#[derive(Default)]
pub(super) struct Twins {
    /// The list as the SDK has it.
    mirror: Vec<TimelineItem>,
    /// The consumer was last given the list without twins (so the SDK's indices do not fit).
    collapsed: bool,
}

fn event_of(item: &TimelineItem) -> Option<&str> {
    match &item.entry {
        TimelineEntry::Message(message) if message.event.starts_with('$') => {
            Some(message.event.as_str())
        }
        _ => None,
    }
}

/// `items` with every message after the first of its event id left out; `None` if there are
/// no twins.
fn without_twins(items: &[TimelineItem]) -> Option<Vec<TimelineItem>> {
    let mut seen = HashSet::new();
    let twins = items
        .iter()
        .any(|item| event_of(item).is_some_and(|event| !seen.insert(event)));
    if !twins {
        return None;
    }
    let mut seen = HashSet::new();
    Some(
        items
            .iter()
            .filter(|item| event_of(item).is_none_or(|event| seen.insert(event)))
            .cloned()
            .collect(),
    )
}

impl Twins {
    /// The diffs to give the consumer for the SDK's `diffs`.
    pub(super) fn pass(
        &mut self,
        diffs: Vec<ListDiff<TimelineItem>>,
    ) -> Vec<ListDiff<TimelineItem>> {
        let mut in_step = true;
        for diff in diffs.iter().cloned() {
            if diff.apply(&mut self.mirror).is_err() {
                in_step = false;
            }
        }
        match without_twins(&self.mirror) {
            Some(once) => {
                self.collapsed = true;
                vec![ListDiff::Reset(once)]
            }
            None if self.collapsed || !in_step => {
                self.collapsed = false;
                vec![ListDiff::Reset(self.mirror.clone())]
            }
            None => diffs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sparks_domain::{Message, MessageBody, RichText, SendState};

    fn message(id: &str, event: &str) -> TimelineItem {
        TimelineItem {
            id: id.into(),
            entry: TimelineEntry::Message(Message {
                event: event.into(),
                sender_id: "@a:x".into(),
                sender_name: "a".into(),
                from_me: true,
                body: MessageBody::Text(RichText::plain("hi")),
                timestamp_ms: 0,
                edited: false,
                state: SendState::Sent,
                reply_to: None,
                reactions: Vec::new(),
                thread: None,
                editable: true,
                redactable: true,
                read_by: Vec::new(),
            }),
        }
    }

    fn ids(list: &[TimelineItem]) -> Vec<&str> {
        list.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn a_message_listed_twice_is_given_once_until_the_twin_goes() {
        let mut twins = Twins::default();
        let mut seen = Vec::new();
        let give = |twins: &mut Twins, seen: &mut Vec<TimelineItem>, diffs| {
            for diff in twins.pass(diffs) {
                diff.apply(seen).expect("in step");
            }
            ids(seen).join(",")
        };
        let first = vec![ListDiff::Reset(vec![
            message("1", "$a"),
            message("2", "$b"),
        ])];
        assert_eq!(give(&mut twins, &mut seen, first), "1,2");
        // Plain diffs pass as they are.
        let plain = twins.pass(vec![ListDiff::PushBack(message("3", "$c"))]);
        assert!(matches!(plain[..], [ListDiff::PushBack(_)]));
        seen.push(message("3", "$c"));
        // The remote echo of $b arrives beside its local echo: $b once.
        let twin = vec![ListDiff::PushBack(message("4", "$b"))];
        assert_eq!(give(&mut twins, &mut seen, twin), "1,2,3");
        // More diffs while the twin is there: counted with it, given without it.
        let more = vec![ListDiff::PushBack(message("5", "$d"))];
        assert_eq!(give(&mut twins, &mut seen, more), "1,2,3,5");
        // The SDK drops the echo (index 1): the list whole once more, then diffs again.
        let gone = vec![ListDiff::Remove { index: 1 }];
        assert_eq!(give(&mut twins, &mut seen, gone), "1,3,4,5");
        let plain = twins.pass(vec![ListDiff::PushBack(message("6", "$e"))]);
        assert!(matches!(plain[..], [ListDiff::PushBack(_)]));
        // Local echoes without an event id yet are never twins.
        assert!(without_twins(&[message("7", "txn1"), message("8", "txn1")]).is_none());
    }
}
