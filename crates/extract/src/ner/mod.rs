//! Named entities (persons, organizations, places) in Russian text with
//! slovnet's NER model, run in Rust.
//!
//! The model is the one natasha ships on PyPI under the MIT licence
//! (`slovnet_ner_news_v1.tar` with the `navec_news_v1_1B_250K_300d_100q.tar`
//! word embeddings): the documented setup extracts both from the natasha
//! wheel (`scripts/models.sh`); nothing is downloaded at run time. Both
//! archives are read from bytes here (no I/O): a `model.json` describing the
//! layers, raw little-endian float32 arrays, and gzipped vocabularies.
//!
//! The network: each token's word vector (product-quantized navec, 300
//! dimensions) and shape vector (30) go through three convolution layers
//! (kernel 3, ReLU, batch normalization), a linear projection to the BIO
//! tags, and a CRF decoded by Viterbi.

mod shape;
pub mod tokens;

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::Arc;

use serde_json::Value;

/// What kind of entity a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organization: a unit, a ministry, an outlet, a company…
    Organization,
    /// A place.
    Place,
}

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The archive is not a tar file, or a member does not read.
    #[error("the model archive does not read: {0}")]
    Archive(String),
    /// A member the model needs is missing or malformed.
    #[error("the model archive's {member} is missing or malformed: {message}")]
    Member {
        /// The member's name.
        member: String,
        /// What is wrong.
        message: String,
    },
}

fn member_error(member: &str, message: impl std::fmt::Display) -> ModelError {
    ModelError::Member {
        member: member.to_owned(),
        message: message.to_string(),
    }
}

/// The members of a tar archive held in memory, by name.
fn untar(bytes: &[u8]) -> Result<HashMap<String, Vec<u8>>, ModelError> {
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

fn gunzip(member: &str, bytes: &[u8]) -> Result<Vec<u8>, ModelError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| member_error(member, e))?;
    Ok(out)
}

fn floats(member: &str, bytes: &[u8]) -> Result<Vec<f32>, ModelError> {
    if !bytes.len().is_multiple_of(4) {
        return Err(member_error(member, "not a whole number of float32 values"));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// A weight of `model.json`: its shape and its values from `arrays/N.bin`.
fn weight(
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

/// One convolution layer with its normalization.
#[derive(Debug)]
struct Layer {
    filters: usize,
    inputs: usize,
    /// `filters × (inputs · 3)`, as stored.
    weight: Vec<f32>,
    bias: Vec<f32>,
    /// Batch normalization folded into a scale and a shift per filter.
    scale: Vec<f32>,
    shift: Vec<f32>,
}

/// The network slovnet's taggers share: word and shape vectors, three
/// convolutions, a projection to the tags.
struct Network {
    embeddings: Arc<Embeddings>,
    shapes: HashMap<String, usize>,
    unknown_shape: usize,
    /// `shapes × shape_dim`.
    shape_vectors: Vec<f32>,
    shape_dim: usize,
    layers: Vec<Layer>,
    /// `in × tags`.
    projection: Vec<f32>,
    projection_bias: Vec<f32>,
}

/// slovnet's Russian NER model.
pub struct NerModel {
    network: Network,
    /// `tags × tags`, from → to.
    transitions: Vec<f32>,
    tags: Vec<Option<(bool, EntityKind)>>,
}

impl std::fmt::Debug for NerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NerModel")
            .field("words", &self.network.embeddings.words.len())
            .field("layers", &self.network.layers.len())
            .finish_non_exhaustive()
    }
}

/// `out (rows × cols) = a (rows × k) · B`, or `out += a · B` when
/// `accumulate`, where `B` is the `k × cols` matrix whose entry (i, j) is
/// `b[i * b_row + j * b_col]`. Computed by matrixmultiply's
/// single-precision product, which picks the widest vector instructions the
/// processor has (AVX and FMA where present) at run time, so the binary
/// stays portable.
fn product(
    a: &[f32],
    k: usize,
    (b, b_row, b_col, cols): (&[f32], usize, usize, usize),
    out: &mut [f32],
    accumulate: bool,
) {
    let rows = a.len() / k.max(1);
    if rows == 0 || cols == 0 {
        return;
    }
    assert!(
        k > 0
            && a.len() == rows * k
            && out.len() == rows * cols
            && (k - 1) * b_row + (cols - 1) * b_col < b.len(),
        "matrix sizes do not fit"
    );
    #[allow(
        unsafe_code,
        reason = "matrixmultiply takes raw pointers and strides; the sizes are checked above, so every index it forms lies inside the three slices"
    )]
    // SAFETY: `a` holds rows × k values read with row stride k and column
    // stride 1; every index of `b` formed, (k - 1) · b_row + (cols - 1) ·
    // b_col at most, was checked to lie inside it; `out` holds rows × cols
    // values read and written with row stride cols.
    unsafe {
        matrixmultiply::sgemm(
            rows,
            k,
            cols,
            1.0,
            a.as_ptr(),
            k as isize,
            1,
            b.as_ptr(),
            b_row as isize,
            b_col as isize,
            if accumulate { 1.0 } else { 0.0 },
            out.as_mut_ptr(),
            cols as isize,
            1,
        );
    }
}

fn model_json(members: &HashMap<String, Vec<u8>>) -> Result<Value, ModelError> {
    serde_json::from_slice(
        members
            .get("model.json")
            .ok_or_else(|| member_error("model.json", "missing"))?,
    )
    .map_err(|e| member_error("model.json", e))
}

fn lines(member: &str, members: &HashMap<String, Vec<u8>>) -> Result<Vec<String>, ModelError> {
    let bytes = members
        .get(member)
        .ok_or_else(|| member_error(member, "missing"))?;
    let text = String::from_utf8(gunzip(member, bytes)?).map_err(|e| member_error(member, e))?;
    Ok(text.split('\n').map(str::to_owned).collect())
}

/// navec's word vectors, which slovnet's models share: the vocabulary (its
/// order is the models' word ids) and the product-quantized vectors.
/// Loaded once and shared by every model that reads them.
pub struct Embeddings {
    words: HashMap<String, u32>,
    unknown_word: u32,
    /// `vectors × qdim` centroid numbers.
    indexes: Vec<u8>,
    qdim: usize,
    /// `qdim × centroids × chunk`.
    codes: Vec<f32>,
    centroids: usize,
    chunk: usize,
}

impl std::fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embeddings")
            .field("words", &self.words.len())
            .finish_non_exhaustive()
    }
}

impl Embeddings {
    /// Loads navec from the bytes of `navec_news_v1_1B_250K_300d_100q.tar`.
    pub fn load(navec_tar: &[u8]) -> Result<Arc<Self>, ModelError> {
        let navec = untar(navec_tar)?;
        let vocab = navec
            .get("vocab.bin")
            .ok_or_else(|| member_error("vocab.bin", "missing"))?;
        let vocab = gunzip("vocab.bin", vocab)?;
        // A count, the counts, then the words one per line.
        let size = vocab
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| member_error("vocab.bin", "too short"))?;
        let text = vocab
            .get(4 + 4 * size..)
            .ok_or_else(|| member_error("vocab.bin", "shorter than its counts"))?;
        let text = std::str::from_utf8(text).map_err(|e| member_error("vocab.bin", e))?;
        let words: HashMap<String, u32> = text
            .split('\n')
            .enumerate()
            .map(|(id, word)| (word.to_owned(), id as u32))
            .collect();
        let unknown_word = *words
            .get("<unk>")
            .ok_or_else(|| member_error("vocab.bin", "no <unk>"))?;
        let pq = navec
            .get("pq.bin")
            .ok_or_else(|| member_error("pq.bin", "missing"))?;
        if pq.len() < 16 {
            return Err(member_error("pq.bin", "too short"));
        }
        let header: Vec<usize> = pq[..16]
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .collect();
        let (vectors, dim, qdim, centroids) = (header[0], header[1], header[2], header[3]);
        let index_end = 16 + vectors * qdim;
        if pq.len() < index_end || qdim == 0 || dim % qdim != 0 {
            return Err(member_error("pq.bin", "header does not match its size"));
        }
        let indexes = pq[16..index_end].to_vec();
        let codes = floats("pq.bin", &pq[index_end..])?;
        let chunk = dim / qdim;
        if codes.len() != qdim * centroids * chunk || words.len() > vectors {
            return Err(member_error("pq.bin", "codes do not match the header"));
        }
        Ok(Arc::new(Self {
            words,
            unknown_word,
            indexes,
            qdim,
            codes,
            centroids,
            chunk,
        }))
    }
}

impl Network {
    /// The network of a model archive's members and its `model.json`, over
    /// navec's vectors (the models' vocabulary is navec's, in its order).
    fn load(
        members: &HashMap<String, Vec<u8>>,
        embeddings: Arc<Embeddings>,
        model: &Value,
    ) -> Result<Self, ModelError> {
        let dim = embeddings.qdim * embeddings.chunk;
        let shapes: HashMap<String, usize> = lines("vocabs/shape.gz", members)?
            .into_iter()
            .enumerate()
            .map(|(id, shape)| (shape, id))
            .collect();
        let unknown_shape = shapes.get("OTHER").copied().unwrap_or(0);
        let (shape_shape, shape_vectors) =
            weight(members, &model["emb"]["shape"]["weight"], "shape embedding")?;
        let shape_dim = shape_shape[1];

        let mut layers = Vec::new();
        let mut inputs = dim + shape_dim;
        for (n, layer) in model["encoder"]["layers"]
            .as_array()
            .ok_or_else(|| member_error("model.json", "no encoder layers"))?
            .iter()
            .enumerate()
        {
            let what = format!("layer {n}");
            let (shape, weight_values) = weight(members, &layer["conv"]["weight"], &what)?;
            if shape.len() != 3 || shape[1] != inputs || shape[2] != 3 {
                return Err(member_error(
                    "model.json",
                    format!("{what}: unexpected shape {shape:?}"),
                ));
            }
            let filters = shape[0];
            let (_, bias) = weight(members, &layer["conv"]["bias"], &what)?;
            let (_, norm_weight) = weight(members, &layer["norm"]["weight"], &what)?;
            let (_, norm_bias) = weight(members, &layer["norm"]["bias"], &what)?;
            let (_, mean) = weight(members, &layer["norm"]["mean"], &what)?;
            let (_, std) = weight(members, &layer["norm"]["std"], &what)?;
            let scale: Vec<f32> = norm_weight.iter().zip(&std).map(|(w, s)| w / s).collect();
            let shift: Vec<f32> = norm_bias
                .iter()
                .zip(&mean)
                .zip(&scale)
                .map(|((b, m), s)| b - m * s)
                .collect();
            layers.push(Layer {
                filters,
                inputs,
                weight: weight_values,
                bias,
                scale,
                shift,
            });
            inputs = filters;
        }
        let (projection_shape, projection) =
            weight(members, &model["head"]["proj"]["weight"], "projection")?;
        let (_, projection_bias) = weight(members, &model["head"]["proj"]["bias"], "projection")?;
        if projection_shape != [inputs, projection_bias.len()] {
            return Err(member_error(
                "model.json",
                "the projection does not fit the encoder",
            ));
        }
        Ok(Self {
            embeddings,
            shapes,
            unknown_shape,
            shape_vectors,
            shape_dim,
            layers,
            projection,
            projection_bias,
        })
    }

    /// The tag scores of `words` (the tokens of one text, in order):
    /// `words × outputs`.
    fn emissions(&self, words: &[&str]) -> Vec<f32> {
        let n = words.len();
        if n == 0 {
            return Vec::new();
        }
        let e = &*self.embeddings;
        let dim = e.qdim * e.chunk;
        let width = dim + self.shape_dim;
        let mut x = vec![0f32; n * width];
        for (t, word) in words.iter().enumerate() {
            let row = &mut x[t * width..(t + 1) * width];
            let id = *e.words.get(&word.to_lowercase()).unwrap_or(&e.unknown_word) as usize;
            let indexes = &e.indexes[id * e.qdim..(id + 1) * e.qdim];
            for (q, &centroid) in indexes.iter().enumerate() {
                let at = (q * e.centroids + centroid as usize) * e.chunk;
                row[q * e.chunk..(q + 1) * e.chunk].copy_from_slice(&e.codes[at..at + e.chunk]);
            }
            let shape = self
                .shapes
                .get(shape::word_shape(word).as_str())
                .copied()
                .unwrap_or(self.unknown_shape);
            row[dim..].copy_from_slice(
                &self.shape_vectors[shape * self.shape_dim..(shape + 1) * self.shape_dim],
            );
        }
        let mut inputs = width;
        for layer in &self.layers {
            // A convolution of kernel 3 is three products: each token's
            // output takes the previous token's inputs through the kernel's
            // first position, its own through the second and the next
            // token's through the third. The weights are `filters ×
            // (inputs · 3)`, input channel major: position `o` of input `i`
            // for filter `f` is at `f · k + i · 3 + o`.
            let k = layer.inputs * 3;
            let f = layer.filters;
            let position = |o: usize| (&layer.weight[o..], 3, k, f);
            let mut out = vec![0f32; n * f];
            product(&x, inputs, position(1), &mut out, false);
            product(
                &x[..(n - 1) * inputs],
                inputs,
                position(0),
                &mut out[f..],
                true,
            );
            product(
                &x[inputs..],
                inputs,
                position(2),
                &mut out[..(n - 1) * f],
                true,
            );
            for row in out.chunks_exact_mut(layer.filters) {
                for (f, value) in row.iter_mut().enumerate() {
                    let activated = (*value + layer.bias[f]).max(0.0);
                    *value = activated * layer.scale[f] + layer.shift[f];
                }
            }
            x = out;
            inputs = layer.filters;
        }
        let tags = self.projection_bias.len();
        let mut emissions = vec![0f32; n * tags];
        // The projection is `inputs × tags`, row by row.
        product(
            &x,
            inputs,
            (&self.projection, tags, 1, tags),
            &mut emissions,
            false,
        );
        for row in emissions.chunks_exact_mut(tags) {
            for (value, bias) in row.iter_mut().zip(&self.projection_bias) {
                *value += bias;
            }
        }
        emissions
    }
}

/// slovnet's Russian morphology model: a part of speech and grammatical
/// features per token ("NOUN|Animacy=Anim|Case=Gen|Gender=Masc|Number=Sing").
pub struct MorphModel {
    network: Network,
    tags: Vec<String>,
}

impl std::fmt::Debug for MorphModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MorphModel")
            .field("tags", &self.tags.len())
            .finish_non_exhaustive()
    }
}

impl MorphModel {
    /// Loads the model from the bytes of `slovnet_morph_news_v1.tar`, over
    /// navec's vectors.
    pub fn load(morph_tar: &[u8], embeddings: Arc<Embeddings>) -> Result<Self, ModelError> {
        let members = untar(morph_tar)?;
        let model = model_json(&members)?;
        let network = Network::load(&members, embeddings, &model)?;
        let tags = lines("vocabs/tag.gz", &members)?;
        if tags.len() != network.projection_bias.len() {
            return Err(member_error(
                "vocabs/tag.gz",
                "tags do not match the projection",
            ));
        }
        Ok(Self { network, tags })
    }

    /// The tags of the words marked `wanted` (the rest are `None`), the
    /// same as [`tag`](Self::tag) gives them, computed only over the
    /// wanted words and their neighbours: each of the network's
    /// convolutions sees one word either side, so a word's tag depends on
    /// as many words either side as there are layers, and no further. A
    /// text's names are a small part of it.
    pub fn tag_near(&self, words: &[&str], wanted: &[bool]) -> Vec<Option<&str>> {
        let reach = self.network.layers.len();
        let mut out = vec![None; words.len()];
        let mut i = 0;
        while i < words.len() {
            if !wanted.get(i).copied().unwrap_or(false) {
                i += 1;
                continue;
            }
            // A run of wanted words, joined with the next run when their
            // neighbourhoods meet.
            let mut end = i + 1;
            loop {
                while end < words.len() && wanted.get(end).copied().unwrap_or(false) {
                    end += 1;
                }
                let next = (end..words.len().min(end + 2 * reach + 1))
                    .find(|&j| wanted.get(j).copied().unwrap_or(false));
                match next {
                    Some(j) => end = j + 1,
                    None => break,
                }
            }
            let from = i.saturating_sub(reach);
            let to = (end + reach).min(words.len());
            let tags = self.tag(&words[from..to]);
            for (j, slot) in out.iter_mut().enumerate().take(end).skip(i) {
                if wanted.get(j).copied().unwrap_or(false) {
                    *slot = tags.get(j - from).copied();
                }
            }
            i = end;
        }
        out
    }

    /// The morphological tag of each of `words` (the tokens of one text).
    pub fn tag(&self, words: &[&str]) -> Vec<&str> {
        let outputs = self.tags.len();
        self.network
            .emissions(words)
            .chunks_exact(outputs.max(1))
            .map(|row| {
                let best = row
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map_or(0, |(i, _)| i);
                self.tags[best].as_str()
            })
            .collect()
    }
}

impl NerModel {
    /// Loads the model from the bytes of `slovnet_ner_news_v1.tar`, over
    /// navec's vectors.
    pub fn load(ner_tar: &[u8], embeddings: Arc<Embeddings>) -> Result<Self, ModelError> {
        let members = untar(ner_tar)?;
        let model = model_json(&members)?;
        let network = Network::load(&members, embeddings, &model)?;
        let (_, transitions) = weight(
            &members,
            &model["head"]["crf"]["transitions"],
            "transitions",
        )?;
        let tags = lines("vocabs/tag.gz", &members)?
            .iter()
            .map(|tag| {
                let (part, kind) = tag.split_once('-')?;
                let kind = match kind {
                    "PER" => EntityKind::Person,
                    "LOC" => EntityKind::Place,
                    "ORG" => EntityKind::Organization,
                    _ => return None,
                };
                Some((part == "B", kind))
            })
            .collect::<Vec<_>>();
        if tags.len() != network.projection_bias.len()
            || transitions.len() != tags.len() * tags.len()
        {
            return Err(member_error(
                "vocabs/tag.gz",
                "tags do not match the projection",
            ));
        }
        Ok(Self {
            network,
            transitions,
            tags,
        })
    }

    /// Tags `words` (the tokens of one text, in order): for each, whether
    /// it begins an entity and of which kind, or `None` outside entities.
    pub fn tag(&self, words: &[&str]) -> Vec<Option<(bool, EntityKind)>> {
        if words.is_empty() {
            return Vec::new();
        }
        let emissions = self.network.emissions(words);
        self.viterbi(&emissions, words.len())
            .into_iter()
            .map(|tag| self.tags[tag])
            .collect()
    }

    fn viterbi(&self, emissions: &[f32], n: usize) -> Vec<usize> {
        let tags = self.tags.len();
        let mut score: Vec<f32> = emissions[..tags].to_vec();
        let mut history: Vec<Vec<usize>> = Vec::with_capacity(n.saturating_sub(1));
        for t in 1..n {
            let mut next = vec![f32::NEG_INFINITY; tags];
            let mut best_from = vec![0usize; tags];
            for to in 0..tags {
                for (from, previous) in score.iter().enumerate() {
                    let candidate = previous + self.transitions[from * tags + to];
                    if candidate > next[to] {
                        next[to] = candidate;
                        best_from[to] = from;
                    }
                }
                next[to] += emissions[t * tags + to];
            }
            score = next;
            history.push(best_from);
        }
        let mut best = (0..tags)
            .max_by(|&a, &b| score[a].total_cmp(&score[b]))
            .unwrap_or(0);
        let mut path = vec![best];
        for from in history.iter().rev() {
            best = from[best];
            path.push(best);
        }
        path.reverse();
        path
    }

    /// The entity mentions in `text`: byte ranges and kinds.
    pub fn mentions(&self, text: &str) -> Vec<(std::ops::Range<usize>, EntityKind)> {
        let tokens = tokens::tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|r| &text[r.clone()]).collect();
        let tags = self.tag(&words);
        let mut out: Vec<(std::ops::Range<usize>, EntityKind)> = Vec::new();
        let mut previous: Option<EntityKind> = None;
        for (range, tag) in tokens.iter().zip(tags) {
            match tag {
                Some((begins, kind)) => {
                    if previous == Some(kind) && !begins {
                        if let Some(last) = out.last_mut() {
                            last.0.end = range.end;
                        }
                    } else {
                        out.push((range.clone(), kind));
                    }
                    previous = Some(kind);
                }
                None => previous = None,
            }
        }
        out
    }
}
