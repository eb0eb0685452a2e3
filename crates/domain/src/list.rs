/// One change to an ordered list, as a backend streams it to the app.
///
/// Backends translate their own incremental list updates into these so the app can apply them
/// item by item instead of rebuilding the list on every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListDiff<T> {
    Append(Vec<T>),
    Clear,
    PushFront(T),
    PushBack(T),
    PopFront,
    PopBack,
    Insert { index: usize, value: T },
    Set { index: usize, value: T },
    Remove { index: usize },
    Truncate { length: usize },
    Reset(Vec<T>),
}

/// A diff pointed past the end of the list it was applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfBounds {
    pub index: usize,
    pub len: usize,
}

impl<T> ListDiff<T> {
    /// Applies the change to `list`.
    ///
    /// An index past the end leaves the list unchanged and returns an error, so a consumer that
    /// fell out of step can ask for a fresh snapshot instead of crashing.
    pub fn apply(self, list: &mut Vec<T>) -> Result<(), OutOfBounds> {
        let len = list.len();
        let check = |index: usize, limit: usize| {
            if index < limit {
                Ok(())
            } else {
                Err(OutOfBounds { index, len })
            }
        };
        match self {
            ListDiff::Append(values) => list.extend(values),
            ListDiff::Clear => list.clear(),
            ListDiff::PushFront(value) => list.insert(0, value),
            ListDiff::PushBack(value) => list.push(value),
            ListDiff::PopFront => {
                if !list.is_empty() {
                    list.remove(0);
                }
            }
            ListDiff::PopBack => {
                list.pop();
            }
            ListDiff::Insert { index, value } => {
                check(index, len + 1)?;
                list.insert(index, value);
            }
            ListDiff::Set { index, value } => {
                check(index, len)?;
                list[index] = value;
            }
            ListDiff::Remove { index } => {
                check(index, len)?;
                list.remove(index);
            }
            ListDiff::Truncate { length } => list.truncate(length),
            ListDiff::Reset(values) => *list = values,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ListDiff::*;
    use super::*;

    #[test]
    fn diffs_apply_in_order() {
        let mut list = vec![];
        for diff in [
            Reset(vec![1, 2, 3]),
            PushFront(0),
            PushBack(4),
            Insert { index: 2, value: 9 },
            Set { index: 0, value: 7 },
            Remove { index: 1 },
            Append(vec![5, 6]),
            PopFront,
            PopBack,
            Truncate { length: 3 },
        ] {
            diff.apply(&mut list).expect("in bounds");
        }
        assert_eq!(list, vec![9, 2, 3]);
        Clear.apply(&mut list).expect("clear");
        assert!(list.is_empty());
    }

    #[test]
    fn out_of_bounds_diffs_leave_the_list_alone() {
        let mut list = vec![1, 2];
        assert_eq!(
            Set { index: 2, value: 0 }.apply(&mut list),
            Err(OutOfBounds { index: 2, len: 2 })
        );
        assert_eq!(
            Remove { index: 5 }.apply(&mut list),
            Err(OutOfBounds { index: 5, len: 2 })
        );
        assert_eq!(
            Insert { index: 3, value: 0 }.apply(&mut list),
            Err(OutOfBounds { index: 3, len: 2 })
        );
        Insert { index: 2, value: 3 }
            .apply(&mut list)
            .expect("insert at the end is allowed");
        PopFront
            .apply(&mut vec![0u8; 0])
            .expect("popping an empty list is a no-op");
        assert_eq!(list, vec![1, 2, 3]);
    }
}
