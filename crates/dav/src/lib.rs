pub mod ical;
