//! The one error type of the case service.
//!
//! Every operation fails with an [`Error`] whose variant says what kind of
//! failure it is, so that a front end can choose an exit code or an HTTP
//! status without reading the message: not found, invalid input, conflict,
//! integrity, locked, or I/O. The message names the file, the source or the
//! record concerned; a failure of a lower layer stays attached as the
//! error's source, so a front end that prints the whole chain prints what
//! it printed before the service existed.

use std::fmt;

/// A lower layer's error, kept as the cause of an [`Error`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong, with the failure of a lower layer when there is one.
///
/// Its text is `context` when one was given (and the lower error is its
/// source), else the lower error's own text (and its source the lower
/// error's source): a chain printed link by link reads the same either way.
#[derive(Debug)]
pub struct Cause {
    context: Option<String>,
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Message(String),
    Error(BoxError),
}

impl Cause {
    fn message(text: String) -> Self {
        Cause {
            context: None,
            inner: Inner::Message(text),
        }
    }

    fn error(error: BoxError) -> Self {
        Cause {
            context: None,
            inner: Inner::Error(error),
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.context, &self.inner) {
            (Some(context), _) => f.write_str(context),
            (None, Inner::Message(text)) => f.write_str(text),
            (None, Inner::Error(error)) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match (&self.context, &self.inner) {
            (_, Inner::Message(_)) => None,
            (Some(_), Inner::Error(error)) => Some(&**error),
            (None, Inner::Error(error)) => error.source(),
        }
    }
}

/// Everything an operation of the case service can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// What was asked for is not in the case: a source, an entity, a
    /// record, the case itself.
    #[error(transparent)]
    NotFound(Cause),
    /// The request cannot be carried out as given: a malformed id, date,
    /// span or value. Nothing was changed.
    #[error(transparent)]
    InvalidInput(Cause),
    /// The request contradicts the case as it stands: merging an entity
    /// with itself, an action a record no longer allows. Nothing was
    /// changed.
    #[error(transparent)]
    Conflict(Cause),
    /// Stored state does not hold: a digest, a signature or the log's tree
    /// does not match. `casefile verify` tells the whole story.
    #[error(transparent)]
    Integrity(Cause),
    /// The case is held by another writer in a way that makes this request
    /// impossible now, or it was opened read-only.
    #[error(transparent)]
    Locked(Cause),
    /// Reading or writing failed: a file, the database, the index.
    #[error(transparent)]
    Io(Cause),
}

/// The kind of an [`Error`], for exit codes and HTTP statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// [`Error::NotFound`].
    NotFound,
    /// [`Error::InvalidInput`].
    InvalidInput,
    /// [`Error::Conflict`].
    Conflict,
    /// [`Error::Integrity`].
    Integrity,
    /// [`Error::Locked`].
    Locked,
    /// [`Error::Io`].
    Io,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Integrity(_) => ErrorKind::Integrity,
            Error::Locked(_) => ErrorKind::Locked,
            Error::Io(_) => ErrorKind::Io,
        }
    }

    /// A request naming something the case does not hold.
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::NotFound(Cause::message(message.into()))
    }

    /// A request that cannot be carried out as given.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(Cause::message(message.into()))
    }

    /// A request that contradicts the case as it stands.
    pub fn conflict(message: impl Into<String>) -> Self {
        Error::Conflict(Cause::message(message.into()))
    }

    /// Stored state that does not hold.
    pub fn integrity(message: impl Into<String>) -> Self {
        Error::Integrity(Cause::message(message.into()))
    }

    /// A request the case cannot take now: held by another writer, or
    /// opened read-only.
    pub fn locked(message: impl Into<String>) -> Self {
        Error::Locked(Cause::message(message.into()))
    }

    /// A failure to read or write, said in words.
    pub fn io(message: impl Into<String>) -> Self {
        Error::Io(Cause::message(message.into()))
    }

    /// A lower layer's error kept as the cause of an error of `kind`.
    pub fn from_source(kind: ErrorKind, error: BoxError) -> Self {
        Self::of_kind(kind, Cause::error(error))
    }

    fn of_kind(kind: ErrorKind, cause: Cause) -> Self {
        match kind {
            ErrorKind::NotFound => Error::NotFound(cause),
            ErrorKind::InvalidInput => Error::InvalidInput(cause),
            ErrorKind::Conflict => Error::Conflict(cause),
            ErrorKind::Integrity => Error::Integrity(cause),
            ErrorKind::Locked => Error::Locked(cause),
            ErrorKind::Io => Error::Io(cause),
        }
    }

    /// This error said as the cause of `context` (what was being done), of
    /// the same kind.
    pub fn context(self, context: impl Into<String>) -> Self {
        let kind = self.kind();
        Self::of_kind(
            kind,
            Cause {
                context: Some(context.into()),
                inner: Inner::Error(Box::new(self)),
            },
        )
    }
}

impl From<casefile_vault::VaultError> for Error {
    fn from(error: casefile_vault::VaultError) -> Self {
        use casefile_vault::VaultError as V;
        let kind = match &error {
            V::Integrity(_) => ErrorKind::Integrity,
            V::NoCase { .. } | V::NotFound(_) => ErrorKind::NotFound,
            V::AlreadyACase { .. } => ErrorKind::Conflict,
            V::Invalid(_) | V::NotAFile { .. } | V::Entry { .. } => ErrorKind::InvalidInput,
            _ => ErrorKind::Io,
        };
        Error::from_source(kind, Box::new(error))
    }
}

impl From<casefile_dates::DateError> for Error {
    fn from(error: casefile_dates::DateError) -> Self {
        Error::from_source(ErrorKind::InvalidInput, Box::new(error))
    }
}

impl From<casefile_derived::DerivedError> for Error {
    fn from(error: casefile_derived::DerivedError) -> Self {
        use casefile_derived::DerivedError as D;
        let kind = match &error {
            D::Locked { .. } | D::LockedSource { .. } => ErrorKind::Locked,
            _ => ErrorKind::Io,
        };
        Error::from_source(kind, Box::new(error))
    }
}

impl From<casefile_keys::KeyError> for Error {
    fn from(error: casefile_keys::KeyError) -> Self {
        use casefile_keys::KeyError as K;
        let kind = match &error {
            K::NeedsPassphrase { .. }
            | K::WrongPassphrase { .. }
            | K::NotForThisIdentity { .. } => ErrorKind::Locked,
            K::Damaged { .. } | K::BadDocument { .. } => ErrorKind::Integrity,
            _ => ErrorKind::InvalidInput,
        };
        Error::from_source(kind, Box::new(error))
    }
}

impl From<casefile_index::IndexError> for Error {
    fn from(error: casefile_index::IndexError) -> Self {
        let kind = match &error {
            casefile_index::IndexError::Query { .. } => ErrorKind::InvalidInput,
            _ => ErrorKind::Io,
        };
        Error::from_source(kind, Box::new(error))
    }
}

impl From<casefile_models::ModelsError> for Error {
    fn from(error: casefile_models::ModelsError) -> Self {
        Error::from_source(ErrorKind::Io, Box::new(error))
    }
}

impl From<casefile_records::ActionError> for Error {
    fn from(error: casefile_records::ActionError) -> Self {
        Error::from_source(ErrorKind::InvalidInput, Box::new(error))
    }
}

/// Adds what was being done to a failing result, as [`Error::context`].
pub trait Context<T> {
    /// Said as the cause of `context`.
    fn context(self, context: impl Into<String>) -> Result<T, Error>;
    /// Said as the cause of the text `context` makes, made only on failure.
    fn with_context<S: Into<String>>(self, context: impl FnOnce() -> S) -> Result<T, Error>;
}

impl<T, E: Into<Error>> Context<T> for Result<T, E> {
    fn context(self, context: impl Into<String>) -> Result<T, Error> {
        self.map_err(|e| e.into().context(context))
    }

    fn with_context<S: Into<String>>(self, context: impl FnOnce() -> S) -> Result<T, Error> {
        self.map_err(|e| e.into().context(context()))
    }
}

/// I/O errors said with the path they happened at.
pub(crate) fn io_at(path: &std::path::Path, error: std::io::Error) -> Error {
    Error::from_source(ErrorKind::Io, Box::new(error)).context(path.display().to_string())
}

impl Error {
    /// The whole chain of causes in one line, each joined to the next by
    /// ": ", as a person reads it.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        text
    }
}

impl From<casefile_extract::ner::ModelError> for Error {
    fn from(error: casefile_extract::ner::ModelError) -> Self {
        Error::from_source(ErrorKind::Io, Box::new(error))
    }
}

impl From<casefile_reader::ReadError> for Error {
    fn from(error: casefile_reader::ReadError) -> Self {
        Error::from_source(ErrorKind::Io, Box::new(error))
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::from_source(ErrorKind::Io, Box::new(error))
    }
}
