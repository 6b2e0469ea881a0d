use std::io::Write as _;

use super::*;

/// A zip archive holding `members` (path, bytes), stored uncompressed.
fn wheel(path: &Path, members: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).unwrap();
    let mut archive = zip::ZipWriter::new(file);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in members {
        archive.start_file(*name, options).unwrap();
        archive.write_all(bytes).unwrap();
    }
    archive.finish().unwrap();
}

/// The installed model files' bytes, when they are installed (they are in
/// CI).
fn real_files() -> Option<Vec<(&'static ModelFile, Vec<u8>)>> {
    let mut out = Vec::new();
    for file in FILES {
        let path = casefile_testkit::model_path(file.name)?;
        out.push((file, std::fs::read(path).unwrap()));
    }
    Some(out)
}

#[test]
fn pinned_files_have_distinct_names_and_hex_hashes() {
    let mut names: Vec<&str> = FILES.iter().map(|file| file.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), FILES.len());
    for file in FILES
        .iter()
        .map(|file| file.sha256)
        .chain([NATASHA.wheel_sha256])
    {
        assert_eq!(file.len(), 64);
        assert!(
            file.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }
}

#[test]
fn an_empty_folder_has_every_file_missing() {
    let temp = tempfile::tempdir().unwrap();
    let states: Vec<State> = status(temp.path()).into_iter().map(|s| s.state).collect();
    assert_eq!(states, vec![State::Missing; 3]);
    assert!(read_verified(temp.path(), &NER).unwrap().is_none());
}

#[test]
fn a_wrong_file_is_refused_and_named() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join(NER.name), b"not a model").unwrap();
    let error = read_verified(temp.path(), &NER).unwrap_err();
    assert!(
        matches!(error, ModelsError::Corrupted { size: 11, .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains(NER.name) && message.contains(NER.sha256),
        "{message}"
    );
    assert!(message.contains("not used"), "{message}");
    let states = status(temp.path());
    assert!(matches!(states[0].state, State::Corrupted { size: 11, .. }));
}

#[test]
fn a_wheel_with_wrong_members_installs_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("natasha.whl");
    wheel(
        &source,
        &[
            (NER.member, b"fake network"),
            (MORPH.member, b"fake morphology"),
            (NAVEC.member, b"fake vectors"),
        ],
    );
    let folder = temp.path().join("models");
    let error = install_from(&source, &folder, &mut NoProgress).unwrap_err();
    assert!(matches!(error, ModelsError::Corrupted { .. }), "{error}");
    assert!(
        !folder.exists(),
        "nothing may be written from a wrong wheel"
    );
}

#[test]
fn something_that_is_not_a_wheel_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("notes.txt");
    std::fs::write(&source, "a documenter's notes").unwrap();
    let error = install_from(&source, &temp.path().join("models"), &mut NoProgress).unwrap_err();
    assert!(matches!(error, ModelsError::BadSource { .. }), "{error}");
    assert!(error.to_string().contains("not a wheel"), "{error}");
    let missing = install_from(
        &temp.path().join("nowhere.whl"),
        &temp.path().join("models"),
        &mut NoProgress,
    )
    .unwrap_err();
    assert!(matches!(missing, ModelsError::Io { .. }), "{missing}");
}

#[test]
fn the_real_files_install_from_a_wheel_and_from_a_folder() {
    let Some(files) = real_files() else { return };
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("carried-in.whl");
    let members: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(file, bytes)| (file.member, bytes.as_slice()))
        .collect();
    wheel(&source, &members);

    struct Count(u64, u64);
    impl Progress for Count {
        fn start(&mut self, total: u64) {
            self.0 = total;
        }
        fn advance(&mut self, done: u64) {
            self.1 += done;
        }
    }
    let folder = temp.path().join("models");
    let mut count = Count(0, 0);
    let first = install_from(&source, &folder, &mut count).unwrap();
    assert_eq!(first.written.len(), 3);
    assert_eq!(count.0, count.1);
    assert_eq!(count.0, FILES.iter().map(|f| f.size).sum::<u64>());
    assert!(status(&folder).iter().all(|s| s.state == State::Installed));
    assert_eq!(
        read_verified(&folder, &NER)
            .unwrap()
            .map(|b| b.len() as u64),
        Some(NER.size)
    );
    // A second install keeps what is sound.
    let again = install_from(&source, &folder, &mut NoProgress).unwrap();
    assert!(again.written.is_empty() && again.kept.len() == 3);

    // One damaged file is replaced from a folder of the files.
    let mut damaged = std::fs::read(folder.join(MORPH.name)).unwrap();
    damaged[1000] ^= 1;
    std::fs::write(folder.join(MORPH.name), &damaged).unwrap();
    assert!(matches!(
        read_verified(&folder, &MORPH),
        Err(ModelsError::Corrupted { .. })
    ));
    let carried = temp.path().join("usb");
    std::fs::create_dir(&carried).unwrap();
    for (file, bytes) in &files {
        std::fs::write(carried.join(file.name), bytes).unwrap();
    }
    let repaired = install_from(&carried, &folder, &mut NoProgress).unwrap();
    assert_eq!(repaired.written, vec![MORPH.name]);
    assert!(status(&folder).iter().all(|s| s.state == State::Installed));
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn a_wheel_missing_a_member_says_which() {
    let Some(files) = real_files() else { return };
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("partial.whl");
    wheel(&source, &[(NER.member, files[0].1.as_slice())]);
    let folder = temp.path().join("models");
    let error = install_from(&source, &folder, &mut NoProgress).unwrap_err();
    assert!(error.to_string().contains(MORPH.member), "{error}");
    assert!(!folder.exists());
}
