//! Partial dates as people type them (YYYY, YYYY-MM, YYYY-MM-DD), read by
//! `casefile-dates` for search filters and report dates: a front end
//! reads them as the case does.

pub use casefile_dates::{PartialDate, day_start, first_day};
