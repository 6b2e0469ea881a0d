//! Panics while a protected source is read or extracted.
//!
//! A panic's message may quote the text it was working on (a slicing panic
//! quotes up to 256 bytes of it), and the process's panic hook prints that
//! message to standard error before anything can catch it. So the reading
//! and the extraction of every source run inside [`handling`], which notes
//! on the thread which source it is and whether it is protected; the hook
//! this module puts in front of the process's own prints, for a panic
//! while a protected source is handled, one line naming the source by its
//! log index and nothing of what the panic said. Every other panic goes to
//! the hook that was there before, unchanged.

use std::cell::Cell;
use std::panic::PanicHookInfo;
use std::sync::Once;

thread_local! {
    /// The log index of the protected source this thread is handling.
    static PROTECTED: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Runs `work` as the handling of source `index`: a panic in it while the
/// source is protected is reported without its message.
pub(crate) fn handling<T>(index: u64, protected: bool, work: impl FnOnce() -> T) -> T {
    install();
    /// Puts back what the thread noted before, however `work` ends.
    struct Restore(Option<u64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            PROTECTED.with(|p| p.set(self.0));
        }
    }
    let before = PROTECTED.with(|p| p.replace(protected.then_some(index)));
    let _restore = Restore(before);
    work()
}

/// Puts the hook in front of the process's, once.
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(wrap_current_hook);
}

/// Puts the hook in front of whatever hook the process has now.
fn wrap_current_hook() {
    let before = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        match PROTECTED.with(Cell::get) {
            Some(index) => eprintln!("{}", withheld_line(index, info)),
            None => before(info),
        }
    }));
}

/// What is printed for a panic while protected source `index` is handled:
/// where in casefile's code it happened, never what it said.
fn withheld_line(index: u64, info: &PanicHookInfo<'_>) -> String {
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!(
        "casefile: a panic{place} while handling protected source #{index}; \
         its message is withheld, since it may quote the source"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_panic_over_a_protected_source_never_reaches_the_hook_before() {
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let recorder = seen.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            if message.contains("canary-") {
                recorder.lock().unwrap().push(message);
            } else {
                previous(info);
            }
        }));
        wrap_current_hook();

        let sealed = std::panic::catch_unwind(|| {
            handling(7, true, || panic!("{}", "canary-sealed: a witness's words"))
        });
        assert!(sealed.is_err());
        let open = std::panic::catch_unwind(|| {
            handling(8, false, || panic!("{}", "canary-open: a news page"))
        });
        assert!(open.is_err());
        // The thread's note is put back after a panic.
        assert_eq!(PROTECTED.with(Cell::get), None);

        let seen = seen.lock().unwrap().clone();
        assert!(
            !seen.iter().any(|m| m.contains("canary-sealed")),
            "a protected source's panic message reached the hook: {seen:?}"
        );
        assert!(
            seen.iter().any(|m| m.contains("canary-open")),
            "an open source's panic should reach the hook as before: {seen:?}"
        );
    }

    #[test]
    fn handling_nests_and_restores() {
        handling(1, true, || {
            assert_eq!(PROTECTED.with(Cell::get), Some(1));
            handling(2, false, || assert_eq!(PROTECTED.with(Cell::get), None));
            assert_eq!(PROTECTED.with(Cell::get), Some(1));
        });
        assert_eq!(PROTECTED.with(Cell::get), None);
    }
}
