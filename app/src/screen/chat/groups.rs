//! The room list as the sidebar shows it: rooms outside any space first, then each space the
//! user is in as a group of its rooms, which can be folded away.

use std::collections::HashSet;

use sparks_domain::{RoomSummary, SpaceGroup};

/// One line of the sidebar.
#[derive(Debug, PartialEq, Eq)]
pub enum Row<'a> {
    Room(&'a RoomSummary),
    /// A space's heading, with what is unread in its rooms (shown while folded).
    Space {
        group: &'a SpaceGroup,
        folded: bool,
        unread: u64,
        mentions: u64,
    },
}

/// Lays out `rooms` (in the room list's order, newest first) under the `spaces` they belong to.
/// A room in two spaces shows in both; spaces that are groups do not show as rooms.
pub fn rows<'a>(
    rooms: &'a [RoomSummary],
    spaces: &'a [SpaceGroup],
    folded: &HashSet<String>,
) -> Vec<Row<'a>> {
    let grouped: HashSet<&str> = spaces
        .iter()
        .flat_map(|group| {
            std::iter::once(group.id.as_str()).chain(group.children.iter().map(String::as_str))
        })
        .collect();
    let mut rows: Vec<Row<'a>> = rooms
        .iter()
        .filter(|room| !grouped.contains(room.id.as_str()))
        .map(Row::Room)
        .collect();
    for group in spaces {
        let members: Vec<&RoomSummary> = rooms
            .iter()
            .filter(|room| group.children.contains(&room.id))
            .collect();
        let is_folded = folded.contains(&group.id);
        rows.push(Row::Space {
            group,
            folded: is_folded,
            unread: members.iter().map(|room| room.unread).sum(),
            mentions: members.iter().map(|room| room.mentions).sum(),
        });
        if !is_folded {
            rows.extend(members.into_iter().map(Row::Room));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use sparks_domain::RoomKind;

    fn room(id: &str, unread: u64) -> RoomSummary {
        RoomSummary {
            id: id.into(),
            name: id.trim_start_matches('!').into(),
            kind: RoomKind::Group,
            encrypted: false,
            last_message: None,
            unread,
            mentions: 0,
            call: false,
        }
    }

    fn names(rows: &[Row<'_>]) -> Vec<String> {
        rows.iter()
            .map(|row| match row {
                Row::Room(room) => room.name.clone(),
                Row::Space { group, .. } => format!("[{}]", group.name),
            })
            .collect()
    }

    #[test]
    fn rooms_outside_spaces_come_first_then_each_space_with_its_rooms() {
        let mut space = room("!project", 0);
        space.kind = RoomKind::Space;
        let rooms = vec![
            room("!design", 2),
            room("!bob", 0),
            space,
            room("!engineering", 1),
        ];
        let spaces = vec![SpaceGroup {
            id: "!project".into(),
            name: "Project".into(),
            children: vec![
                "!engineering".into(),
                "!design".into(),
                "!not-joined".into(),
            ],
        }];
        let open = rows(&rooms, &spaces, &HashSet::new());
        assert_eq!(names(&open), ["bob", "[Project]", "design", "engineering"]);

        let folded = rows(&rooms, &spaces, &HashSet::from(["!project".to_owned()]));
        assert_eq!(names(&folded), ["bob", "[Project]"]);
        assert!(matches!(
            folded[1],
            Row::Space {
                folded: true,
                unread: 3,
                ..
            }
        ));
    }

    #[test]
    fn without_spaces_the_list_is_unchanged() {
        let rooms = vec![room("!a", 0), room("!b", 0)];
        assert_eq!(names(&rows(&rooms, &[], &HashSet::new())), ["a", "b"]);
    }
}
