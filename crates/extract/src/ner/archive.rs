//! The model archives read from bytes: tar members, gzipped vocabularies,
//! little-endian float arrays and the `model.json` that describes the layers.

use super::*;

pub(super) fn member_error(member: &str, message: impl std::fmt::Display) -> ModelError {
    ModelError::Member {
        member: member.to_owned(),
        message: message.to_string(),
    }
}

/// The members of a tar archive held in memory, by name.
pub(super) fn untar(bytes: &[u8]) -> Result<HashMap<String, Vec<u8>>, ModelError> {
    let mut archive = tar::Archive::new(bytes);
    let mut members = HashMap::new();
    let entries = archive
        .entries()
        .map_err(|e| ModelError::Archive(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| ModelError::Archive(e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| ModelError::Archive(e.to_string()))?
            .to_string_lossy()
            .trim_start_matches("./")
            .to_owned();
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| ModelError::Archive(e.to_string()))?;
        members.insert(name, data);
    }
    Ok(members)
}

pub(super) fn gunzip(member: &str, bytes: &[u8]) -> Result<Vec<u8>, ModelError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| member_error(member, e))?;
    Ok(out)
}

pub(super) fn floats(member: &str, bytes: &[u8]) -> Result<Vec<f32>, ModelError> {
    if !bytes.len().is_multiple_of(4) {
        return Err(member_error(member, "not a whole number of float32 values"));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// A weight of `model.json`: its shape and its values from `arrays/N.bin`.
pub(super) fn weight(
    members: &HashMap<String, Vec<u8>>,
    description: &Value,
    what: &str,
) -> Result<(Vec<usize>, Vec<f32>), ModelError> {
    let shape: Vec<usize> = description["shape"]
        .as_array()
        .ok_or_else(|| member_error("model.json", format!("{what} has no shape")))?
        .iter()
        .map(|d| d.as_u64().map(|d| d as usize))
        .collect::<Option<_>>()
        .ok_or_else(|| member_error("model.json", format!("{what} has a bad shape")))?;
    let id = description["array"]
        .as_u64()
        .ok_or_else(|| member_error("model.json", format!("{what} names no array")))?;
    let name = format!("arrays/{id}.bin");
    let bytes = members
        .get(&name)
        .ok_or_else(|| member_error(&name, "missing"))?;
    let values = floats(&name, bytes)?;
    if values.len() != shape.iter().product::<usize>() {
        return Err(member_error(
            &name,
            format!("{what}: size does not match {shape:?}"),
        ));
    }
    Ok((shape, values))
}

pub(super) fn model_json(members: &HashMap<String, Vec<u8>>) -> Result<Value, ModelError> {
    serde_json::from_slice(
        members
            .get("model.json")
            .ok_or_else(|| member_error("model.json", "missing"))?,
    )
    .map_err(|e| member_error("model.json", e))
}

pub(super) fn lines(
    member: &str,
    members: &HashMap<String, Vec<u8>>,
) -> Result<Vec<String>, ModelError> {
    let bytes = members
        .get(member)
        .ok_or_else(|| member_error(member, "missing"))?;
    let text = String::from_utf8(gunzip(member, bytes)?).map_err(|e| member_error(member, e))?;
    Ok(text.split('\n').map(str::to_owned).collect())
}
