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

mod int8;
mod shape;
pub mod tokens;

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
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

/// One convolution layer with its normalization, as the archive stores it.
#[derive(Debug)]
struct Layer {
    filters: usize,
    inputs: usize,
    /// `filters × (inputs · 3)`: position `o` of input `i` for filter `f`
    /// is at `(f · inputs + i) · 3 + o`.
    weight: Vec<f32>,
    bias: Vec<f32>,
    /// Batch normalization folded into a scale and a shift per filter.
    scale: Vec<f32>,
    shift: Vec<f32>,
    /// Per filter, how far its rectified output usually reaches: the
    /// normalization's mean plus four standard deviations.
    reach: Vec<f32>,
}

impl Layer {
    fn at(&self, filter: usize, input: usize, position: usize) -> f32 {
        self.weight[(filter * self.inputs + input) * 3 + position]
    }
}

/// How many words' first-layer rows a network keeps once computed: the
/// most frequent in navec's counts, and the unknown word (numbers,
/// punctuation and words navec lacks, a third of a news text's tokens).
/// Each row is `3 × 256` 16-bit numbers, 1.5 KB, so at most 60 MB a
/// network, reached only after reading texts that use all of them.
const KEPT_WORDS: usize = 40_000;

/// The first convolution, folded. It is linear in its input, a word vector
/// beside a shape vector, so what a word adds through each of the three
/// kernel positions can be computed once per word and added up per token:
/// the sum is the convolution, in another order. This was two thirds of
/// the network's multiplications; the rows of frequent words are kept.
struct First {
    filters: usize,
    /// `dim × (3 · filters)` in integers: column `o · filters + f` is
    /// position `o` of filter `f`, over the word vector's dimensions,
    /// quantized per column to -127..127.
    word_weights: int8::Weights,
    /// Per column: the step of its quantized weights.
    step: Vec<f32>,
    /// Per column: the sum of its quantized weights, times 128 (what the
    /// offset that makes word vectors unsigned adds).
    offsets: Vec<i32>,
    /// `shapes × (3 · filters)`: what each shape adds, per position.
    shape_rows: Vec<f32>,
    bias: Vec<f32>,
    /// The rows of the kept words, by [`Known::slot`], filled on first
    /// use.
    kept: Vec<OnceLock<WordRow>>,
}

/// What a word adds through the first convolution's three positions
/// (`3 × filters` values), in 16-bit integers on a step of the largest
/// magnitude / 32767: half the memory of floats, and finer than the 8-bit
/// weights the row was computed with.
#[derive(Debug, Clone)]
struct WordRow {
    step: f32,
    values: Box<[i16]>,
}

impl WordRow {
    fn new(row: &[f32]) -> Self {
        let largest = largest_magnitude(row);
        let step = if largest > 0.0 {
            largest / 32767.0
        } else {
            1.0
        };
        let inverse = 1.0 / step;
        Self {
            step,
            values: row.iter().map(|v| to_short(v * inverse)).collect(),
        }
    }
}

/// A later convolution, in 8-bit integers (see [`int8`]). Its input is the
/// previous layer's rectified output `h ≥ 0`, quantized per token to 0..255
/// on a step of its largest value / 255. The previous layer's normalization
/// (`h · scale + shift`) is folded in: the scale into the weights, which
/// are quantized per filter and kernel position to -127..127; the shift
/// into a term per kernel position, added where that neighbour exists.
struct IntLayer {
    filters: usize,
    /// `inputs × (3 · filters)`, column `o · filters + f`.
    weights: int8::Weights,
    /// Per column: the step of its quantized weights.
    step: Vec<f32>,
    bias: Vec<f32>,
    /// `3 × filters`: what the previous shift adds through position `o`.
    shift_terms: Vec<f32>,
    /// Per input: how far it usually reaches. The previous layer's outputs
    /// are divided by it (folded into that layer's numbers), so that
    /// every input spans about the same range before a token's inputs are
    /// quantized on one step.
    channel: Vec<f32>,
}

/// The network slovnet's taggers share: word and shape vectors, three
/// convolutions, a projection to the tags. Run as [`First`], then
/// [`IntLayer`]s, then the projection.
struct Network {
    embeddings: Arc<Embeddings>,
    /// The model's shape id of each [`shape::shape_key`] ("OTHER"'s for a
    /// shape the model does not know).
    shape_ids: Vec<usize>,
    first: First,
    later: Vec<IntLayer>,
    /// `inputs × tags`, the last layer's normalization folded in.
    projection: Vec<f32>,
    projection_bias: Vec<f32>,
    kernel: int8::Kernel,
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
            .field("words", &self.network.embeddings.count)
            .field("layers", &self.network.reach())
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
    /// How many words the vocabulary has.
    count: usize,
    /// The words of up to 32 bytes, held inside the table rather than
    /// behind pointers. The tables are hashed with rustc-hash's hasher,
    /// several times faster than the standard one on short words; the
    /// vocabulary is the model's, not an attacker's.
    words: FxHashMap<InlineWord<32>, Known>,
    /// The longer words.
    long: FxHashMap<String, Known>,
    /// Whether every word of the vocabulary has a letter (navec's do):
    /// then a token without one (a number, a mark) is unknown without
    /// looking it up.
    all_lettered: bool,
    /// The kept words of up to 16 bytes again, in a table small enough
    /// to stay in the processor's cache: most tokens are found here first.
    frequent: FxHashMap<InlineWord<16>, Known>,
    /// The unknown word, as the tables would hold it.
    unknown: Known,
    /// How many words' rows a network keeps.
    kept: usize,
    /// `vectors × qdim` centroid numbers.
    indexes: Vec<u8>,
    qdim: usize,
    /// `qdim × centroids × chunk`.
    codes: Vec<f32>,
    centroids: usize,
    chunk: usize,
}

/// A word of the vocabulary as the lookup tables hold it: its id, and its
/// place among the words whose first-layer rows a network keeps
/// ([`KEPT_WORDS`]), or `u32::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Known {
    id: u32,
    slot: u32,
}

impl Known {
    fn slot(self) -> Option<usize> {
        (self.slot != u32::MAX).then_some(self.slot as usize)
    }
}

impl std::fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embeddings")
            .field("words", &self.count)
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
        let counts: Vec<u32> = vocab
            .get(4..4 + 4 * size)
            .ok_or_else(|| member_error("vocab.bin", "shorter than its counts"))?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let text = std::str::from_utf8(&vocab[4 + 4 * size..])
            .map_err(|e| member_error("vocab.bin", e))?;
        let words: Vec<&str> = text.split('\n').collect();
        // A word listed twice is the later id, as in a table filled in
        // order.
        let unknown_word = words
            .iter()
            .rposition(|&word| word == "<unk>")
            .ok_or_else(|| member_error("vocab.bin", "no <unk>"))?
            as u32;
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
        if indexes.iter().any(|&c| usize::from(c) >= centroids) {
            return Err(member_error("pq.bin", "a centroid number is out of range"));
        }
        let codes = floats("pq.bin", &pq[index_end..])?;
        let chunk = dim / qdim;
        if codes.len() != qdim * centroids * chunk || words.len() > vectors {
            return Err(member_error("pq.bin", "codes do not match the header"));
        }
        Ok(Arc::new(Self::new(
            &words,
            unknown_word,
            &counts,
            KEPT_WORDS,
            (indexes, qdim, codes, centroids, chunk),
        )))
    }

    /// The embeddings of a vocabulary (a word's id is its place; a word
    /// listed twice is the later) with its counts, keeping the rows of
    /// `keep` words, over product-quantized vectors.
    fn new(
        words: &[&str],
        unknown_word: u32,
        counts: &[u32],
        keep: usize,
        (indexes, qdim, codes, centroids, chunk): (Vec<u8>, usize, Vec<f32>, usize, usize),
    ) -> Self {
        let slots = slots(counts, words.len(), unknown_word, keep);
        let known = |id: u32| Known {
            id,
            slot: slots.get(id as usize).copied().unwrap_or(u32::MAX),
        };
        let all_lettered = words.iter().all(|word| word.chars().any(letter));
        let mut short = FxHashMap::with_capacity_and_hasher(words.len(), Default::default());
        let mut long = FxHashMap::default();
        for (id, &word) in words.iter().enumerate() {
            let known = known(id as u32);
            match inline(word) {
                Some(key) => short.insert(key, known),
                None => long.insert(word.to_owned(), known),
            };
        }
        let frequent = short
            .iter()
            .filter(|(_, known)| known.id != unknown_word && known.slot().is_some())
            .filter_map(|(key, &known)| {
                // The words of 16 bytes or fewer: zero from the 17th on.
                let (head, tail) = key.split_at(16);
                tail.iter()
                    .all(|&b| b == 0)
                    .then(|| (<[u8; 16]>::try_from(head).unwrap_or_default(), known))
            })
            .collect();
        Self {
            count: words.len(),
            words: short,
            long,
            all_lettered,
            frequent,
            unknown: known(unknown_word),
            kept: slots.iter().filter(|&&slot| slot != u32::MAX).count(),
            indexes,
            qdim,
            codes,
            centroids,
            chunk,
        }
    }

    /// The word vectors' dimensions.
    fn dim(&self) -> usize {
        self.qdim * self.chunk
    }

    /// The id of `word` (looked up in lower case, written into `lower`),
    /// or the unknown word's.
    #[cfg(test)]
    fn id(&self, word: &str, lower: &mut String) -> u32 {
        self.lookup(word, lower).id
    }

    /// `word` (looked up in lower case, written into `lower`), or the
    /// unknown word.
    fn lookup(&self, word: &str, lower: &mut String) -> Known {
        if self.all_lettered && !word.chars().any(letter) {
            return self.unknown;
        }
        let word = if word.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
            lower.clear();
            if word.contains('Σ') {
                // Its lower case depends on where it stands in the word.
                lower.push_str(&word.to_lowercase());
            } else {
                for c in word.chars() {
                    match c {
                        'A'..='Z' | 'А'..='Я' => {
                            lower.push(char::from_u32(u32::from(c) + 0x20).unwrap_or(c))
                        }
                        '\u{400}'..='\u{40f}' => {
                            lower.push(char::from_u32(u32::from(c) + 0x50).unwrap_or(c))
                        }
                        '\0'..='@' | '['..='\u{7f}' | 'а'..='\u{45f}' => lower.push(c),
                        _ => lower.extend(c.to_lowercase()),
                    }
                }
            }
            lower.as_str()
        } else {
            word
        };
        match inline::<32>(word) {
            Some(key) => {
                let short = (word.len() <= 16)
                    .then(|| <[u8; 16]>::try_from(&key[..16]).ok())
                    .flatten();
                short
                    .and_then(|short| self.frequent.get(&short))
                    .or_else(|| self.words.get(&key))
            }
            None => self.long.get(word),
        }
        .copied()
        .unwrap_or(self.unknown)
    }

    /// Writes word `id`'s vector into `out` (`dim` values).
    fn vector(&self, id: u32, out: &mut [f32]) {
        let id = id as usize;
        let indexes = &self.indexes[id * self.qdim..(id + 1) * self.qdim];
        let codebooks = self.codes.chunks_exact(self.centroids * self.chunk);
        for ((out, &centroid), codebook) in
            out.chunks_exact_mut(self.chunk).zip(indexes).zip(codebooks)
        {
            let at = usize::from(centroid) * self.chunk;
            out.copy_from_slice(&codebook[at..at + self.chunk]);
        }
    }
}

/// A word of up to `N` bytes, zero-padded.
type InlineWord<const N: usize> = [u8; N];

/// `word` as an [`InlineWord`], when it fits and does not end in a zero
/// byte (so that the padding is unambiguous; such a word is kept whole).
fn inline<const N: usize>(word: &str) -> Option<InlineWord<N>> {
    let bytes = word.as_bytes();
    if bytes.len() > N || bytes.last() == Some(&0) {
        return None;
    }
    let mut key = [0u8; N];
    key[..bytes.len()].copy_from_slice(bytes);
    Some(key)
}

/// The slots of the kept words: the unknown word first, then the most
/// frequent by navec's counts (ties by id), `keep` in all.
fn slots(counts: &[u32], words: usize, unknown_word: u32, keep: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..words as u32).filter(|&id| id != unknown_word).collect();
    order.sort_by_key(|&id| {
        (
            std::cmp::Reverse(counts.get(id as usize).copied().unwrap_or(0)),
            id,
        )
    });
    let mut slots = vec![u32::MAX; words];
    for (slot, id) in std::iter::once(unknown_word)
        .chain(order)
        .take(keep)
        .enumerate()
    {
        slots[id as usize] = slot as u32;
    }
    slots
}

impl First {
    /// The first layer folded from its stored form.
    fn new(
        layer: &Layer,
        dim: usize,
        shape_vectors: &[f32],
        shape_dim: usize,
        kept: usize,
    ) -> Self {
        let filters = layer.filters;
        let width = 3 * filters;
        let at = |i: usize, column: usize| layer.at(column % filters, i, column / filters);
        let step: Vec<f32> = (0..width)
            .map(|column| {
                let largest = (0..dim).map(|i| at(i, column).abs()).fold(0f32, f32::max);
                if largest > 0.0 { largest / 127.0 } else { 1.0 }
            })
            .collect();
        let quantized = |i: usize, column: usize| {
            (at(i, column) / step[column]).round().clamp(-127.0, 127.0) as i8
        };
        let word_weights = int8::Weights::new(dim, width, quantized);
        let offsets = (0..width)
            .map(|column| {
                128 * (0..dim)
                    .map(|i| i32::from(quantized(i, column)))
                    .sum::<i32>()
            })
            .collect();
        let shapes = shape_vectors.len() / shape_dim.max(1);
        let mut shape_rows = vec![0f32; shapes * width];
        for s in 0..shapes {
            let vector = &shape_vectors[s * shape_dim..(s + 1) * shape_dim];
            for o in 0..3 {
                for f in 0..filters {
                    shape_rows[s * width + o * filters + f] = vector
                        .iter()
                        .enumerate()
                        .map(|(j, v)| v * layer.at(f, dim + j, o))
                        .sum();
                }
            }
        }
        Self {
            filters,
            word_weights,
            step,
            offsets,
            shape_rows,
            bias: layer.bias.clone(),
            kept: (0..kept).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Divides output `f` by `divisors[f]`, as the next layer reads it
    /// (before any row is kept).
    fn divide_outputs(&mut self, divisors: &[f32]) {
        for values in [&mut self.step, &mut self.shape_rows, &mut self.bias] {
            divide_by_filter(values, divisors);
        }
    }

    /// The rows of words `ids`, one after another, computed as one product
    /// in integers: each word vector is quantized on a step of its largest
    /// magnitude / 127 and offset by 128 to be unsigned; the offset's
    /// share is taken off the sums.
    #[inline(always)]
    fn rows(&self, embeddings: &Embeddings, ids: &[u32], kernel: int8::Kernel) -> Vec<WordRow> {
        let dim = embeddings.dim();
        let depth = self.word_weights.depth();
        let width = self.word_weights.width();
        let columns = 3 * self.filters;
        let mut vector = vec![0f32; dim];
        let mut quantized = vec![0u8; ids.len() * depth];
        let mut steps = Vec::with_capacity(ids.len());
        for (&id, q) in ids.iter().zip(quantized.chunks_exact_mut(depth)) {
            embeddings.vector(id, &mut vector);
            let largest = largest_magnitude(&vector);
            let step = if largest > 0.0 { largest / 127.0 } else { 1.0 };
            let inverse = 1.0 / step;
            // -127..127 moved to 1..255; the padding stays 0.
            for (q, v) in q.iter_mut().zip(&vector) {
                *q = to_byte(v * inverse + 128.0);
            }
            steps.push(step);
        }
        let sums = int8::product_new(kernel, &quantized, &self.word_weights);
        let mut row = vec![0f32; columns];
        sums.chunks_exact(width)
            .zip(steps)
            .map(|(sums, step)| {
                for (((value, &sum), &offset), &weight_step) in
                    row.iter_mut().zip(sums).zip(&self.offsets).zip(&self.step)
                {
                    *value = (sum - offset) as f32 * (weight_step * step);
                }
                WordRow::new(&row)
            })
            .collect()
    }
}

impl IntLayer {
    /// `layer` in integers, with `previous`'s normalization folded in.
    fn new(layer: &Layer, previous: &Layer) -> Self {
        let (filters, inputs) = (layer.filters, layer.inputs);
        let channel: Vec<f32> = previous
            .reach
            .iter()
            .map(|&r| if r > 0.0 { r } else { 1.0 })
            .collect();
        let folded =
            |f: usize, i: usize, o: usize| layer.at(f, i, o) * previous.scale[i] * channel[i];
        let step: Vec<f32> = (0..3 * filters)
            .map(|column| {
                let (o, f) = (column / filters, column % filters);
                let largest = (0..inputs)
                    .map(|i| folded(f, i, o).abs())
                    .fold(0f32, f32::max);
                if largest > 0.0 { largest / 127.0 } else { 1.0 }
            })
            .collect();
        let weights = int8::Weights::new(inputs, 3 * filters, |i, column| {
            let (o, f) = (column / filters, column % filters);
            (folded(f, i, o) / step[column])
                .round()
                .clamp(-127.0, 127.0) as i8
        });
        let mut shift_terms = vec![0f32; 3 * filters];
        for o in 0..3 {
            for f in 0..filters {
                shift_terms[o * filters + f] = (0..inputs)
                    .map(|i| layer.at(f, i, o) * previous.shift[i])
                    .sum();
            }
        }
        Self {
            filters,
            weights,
            step,
            bias: layer.bias.clone(),
            shift_terms,
            channel,
        }
    }

    /// Divides output `f` by `divisors[f]`, as the next layer reads it.
    fn divide_outputs(&mut self, divisors: &[f32]) {
        for values in [&mut self.step, &mut self.shift_terms, &mut self.bias] {
            divide_by_filter(values, divisors);
        }
    }
}

/// Divides `values`, whose columns go by filter and then by kernel
/// position (column `c` belongs to filter `c % filters`), by each filter's
/// divisor.
fn divide_by_filter(values: &mut [f32], divisors: &[f32]) {
    for (column, value) in values.iter_mut().enumerate() {
        *value /= divisors[column % divisors.len()];
    }
}

/// The best path of tags through `n` tokens' `emissions` (`n × tags`)
/// under the CRF's `transitions` (`tags × tags`, from → to).
fn viterbi(transitions: &[f32], tags: usize, emissions: &[f32], n: usize) -> Vec<usize> {
    let mut score: Vec<f32> = emissions[..tags].to_vec();
    let mut best = vec![0f32; tags];
    // For each token after the first, the best tag before it for each
    // of its tags (there are fewer than 256, checked at loading).
    let mut history = vec![0u8; n.saturating_sub(1) * tags];
    for (t, best_from) in history.chunks_exact_mut(tags.max(1)).enumerate() {
        best.fill(f32::NEG_INFINITY);
        // Tag by tag before, all tags after at once: the inner loop
        // runs across the tags, which compiles to vector selects. The
        // first best wins, as in any order of the tags before.
        for (from, (previous, out_of)) in
            score.iter().zip(transitions.chunks_exact(tags)).enumerate()
        {
            for ((best, best_from), transition) in
                best.iter_mut().zip(best_from.iter_mut()).zip(out_of)
            {
                let candidate = previous + transition;
                if candidate > *best {
                    *best = candidate;
                    *best_from = from as u8;
                }
            }
        }
        let emitted = &emissions[(t + 1) * tags..(t + 2) * tags];
        for ((score, best), emitted) in score.iter_mut().zip(&best).zip(emitted) {
            *score = best + emitted;
        }
    }
    let mut last = (0..tags)
        .max_by(|&a, &b| score[a].total_cmp(&score[b]))
        .unwrap_or(0);
    let mut path = vec![last];
    for from in history.chunks_exact(tags.max(1)).rev() {
        last = usize::from(from[last]);
        path.push(last);
    }
    path.reverse();
    path
}

/// The largest magnitude in `values`, which hold no NaN. Compared as the
/// bits of the magnitudes, which order as the numbers do, and unlike a
/// floating-point maximum compile to vector instructions.
#[inline(always)]
fn largest_magnitude(values: &[f32]) -> f32 {
    f32::from_bits(
        values
            .iter()
            .map(|v| v.to_bits() & 0x7fff_ffff)
            .max()
            .unwrap_or(0),
    )
}

/// The rectifier: `x` when it is above zero, else zero (never -0).
#[inline(always)]
fn rectify(x: f32) -> f32 {
    if x > 0.0 { x } else { 0.0 }
}

/// `x` rounded to the nearest whole number (halves to even) in 0..=255.
/// Adding 2^23 leaves the rounded number in the low bits of the float,
/// which, unlike a saturating conversion, compiles to vector instructions.
#[inline(always)]
fn to_byte(x: f32) -> u8 {
    const TWO_TO_23: f32 = 8_388_608.0;
    ((x.clamp(0.0, 255.0) + TWO_TO_23).to_bits() - TWO_TO_23.to_bits()) as u8
}

/// Whether `c` is a letter: `char::is_alphabetic`, answered without its
/// tables for ASCII and the Russian and Ukrainian alphabets.
fn letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{400}'..='\u{45f}' => true,
        '\0'..='\u{7f}' => false,
        _ => c.is_alphabetic(),
    }
}

/// `x` rounded to the nearest whole number (halves to even) in
/// -32767..=32767, by the same means as [`to_byte`].
#[inline(always)]
fn to_short(x: f32) -> i16 {
    // 1.5 · 2^23: negative numbers keep the exponent too.
    const SHIFTED: f32 = 12_582_912.0;
    (x.clamp(-32767.0, 32767.0) + SHIFTED)
        .to_bits()
        .wrapping_sub(SHIFTED.to_bits()) as i32 as i16
}

/// The token that kernel position `o` (0: the one before, 1: itself, 2:
/// the one after) reads for token `t` of `n`, if there is one.
fn neighbour(t: usize, o: usize, n: usize) -> Option<usize> {
    (t + o).checked_sub(1).filter(|&s| s < n)
}

/// Where a token's first-layer row is: kept by the network, or among the
/// rows computed for this text.
enum Row<'a> {
    Kept(&'a WordRow),
    Fresh(usize),
}

impl Network {
    /// The network of a model archive's members and its `model.json`, over
    /// navec's vectors (the models' vocabulary is navec's, in its order).
    fn load(
        members: &HashMap<String, Vec<u8>>,
        embeddings: Arc<Embeddings>,
        model: &Value,
    ) -> Result<Self, ModelError> {
        let dim = embeddings.dim();
        let shapes: FxHashMap<String, usize> = lines("vocabs/shape.gz", members)?
            .into_iter()
            .enumerate()
            .map(|(id, shape)| (shape, id))
            .collect();
        let unknown_shape = shapes.get("OTHER").copied().unwrap_or(0);
        let (shape_shape, shape_vectors) =
            weight(members, &model["emb"]["shape"]["weight"], "shape embedding")?;
        let shape_dim = shape_shape.get(1).copied().unwrap_or(0);
        if shape_shape.len() != 2 || shape_shape[0] < shapes.len() {
            return Err(member_error(
                "model.json",
                "the shape embedding does not fit the shapes",
            ));
        }

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
            if [&bias, &norm_weight, &norm_bias, &mean, &std]
                .iter()
                .any(|v| v.len() != filters)
            {
                return Err(member_error(
                    "model.json",
                    format!("{what}: a bias or normalization does not fit its filters"),
                ));
            }
            let scale: Vec<f32> = norm_weight.iter().zip(&std).map(|(w, s)| w / s).collect();
            let shift: Vec<f32> = norm_bias
                .iter()
                .zip(&mean)
                .zip(&scale)
                .map(|((b, m), s)| b - m * s)
                .collect();
            let reach = mean.iter().zip(&std).map(|(m, s)| m + 4.0 * s).collect();
            layers.push(Layer {
                filters,
                inputs,
                weight: weight_values,
                bias,
                scale,
                shift,
                reach,
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
        Self::new(
            embeddings,
            (shapes, unknown_shape, &shape_vectors, shape_dim),
            &layers,
            projection,
            projection_bias,
        )
    }

    /// The network run from its stored layers: the first folded per word
    /// and shape, the later ones in integers, the last normalization folded
    /// into the projection (`inputs × tags`).
    fn new(
        embeddings: Arc<Embeddings>,
        (shapes, unknown_shape, shape_vectors, shape_dim): (
            FxHashMap<String, usize>,
            usize,
            &[f32],
            usize,
        ),
        layers: &[Layer],
        projection: Vec<f32>,
        projection_bias: Vec<f32>,
    ) -> Result<Self, ModelError> {
        let (Some(first_layer), Some(last_layer)) = (layers.first(), layers.last()) else {
            return Err(member_error("model.json", "no encoder layers"));
        };
        let mut first = First::new(
            first_layer,
            embeddings.dim(),
            shape_vectors,
            shape_dim,
            embeddings.kept,
        );
        let mut later: Vec<IntLayer> = layers
            .windows(2)
            .map(|pair| IntLayer::new(&pair[1], &pair[0]))
            .collect();
        if let Some(next) = later.first() {
            first.divide_outputs(&next.channel);
        }
        for k in 1..later.len() {
            let channel = later[k].channel.clone();
            later[k - 1].divide_outputs(&channel);
        }
        let tags = projection_bias.len();
        let mut folded = projection;
        let mut folded_bias = projection_bias;
        for i in 0..last_layer.filters {
            for t in 0..tags {
                folded_bias[t] += last_layer.shift[i] * folded[i * tags + t];
                folded[i * tags + t] *= last_layer.scale[i];
            }
        }
        let shape_ids = (0..shape::keys())
            .map(|key| {
                shapes
                    .get(&*shape::key_name(key))
                    .copied()
                    .unwrap_or(unknown_shape)
            })
            .collect();
        Ok(Self {
            embeddings,
            shape_ids,
            first,
            later,
            projection: folded,
            projection_bias: folded_bias,
            kernel: int8::Kernel::best(),
        })
    }

    /// Computes the first-layer rows of every word the network keeps that
    /// it has not met yet, as a long collection of texts would have.
    fn keep_all(&self) {
        let e = &*self.embeddings;
        let mut missing: Vec<Known> = e
            .words
            .values()
            .chain(e.long.values())
            .filter(|known| {
                known
                    .slot()
                    .is_some_and(|slot| self.first.kept[slot].get().is_none())
            })
            .copied()
            .collect();
        missing.sort_by_key(|known| known.slot);
        missing.dedup();
        for batch in missing.chunks(1024) {
            let ids: Vec<u32> = batch.iter().map(|known| known.id).collect();
            for (row, known) in self.first.rows(e, &ids, self.kernel).into_iter().zip(batch) {
                if let Some(slot) = known.slot() {
                    let _ = self.first.kept[slot].set(row);
                }
            }
        }
    }

    /// How many words either side of a token its tags depend on: one per
    /// convolution.
    fn reach(&self) -> usize {
        1 + self.later.len()
    }

    /// The tag scores of `words` (the tokens of one text, in order):
    /// `words × outputs`. Compiled three times: for the baseline
    /// processor, for one with AVX2 and for one with AVX-512, the widest
    /// this one has taken. The loops add and multiply element by element
    /// (Rust never fuses a multiply and an add by itself), so all three
    /// give the same numbers.
    fn emissions(&self, words: &[&str]) -> Vec<f32> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vl")
            && std::arch::is_x86_feature_detected!("fma")
        {
            #[allow(
                unsafe_code,
                reason = "calling code compiled for AVX-512, which this processor was just found to have"
            )]
            // SAFETY: the processor has AVX-512F, BW, VL and FMA (checked above).
            return unsafe { self.emissions_avx512(words) };
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            #[allow(
                unsafe_code,
                reason = "calling code compiled for AVX2 and FMA, which this processor was just found to have"
            )]
            // SAFETY: the processor has AVX2 and FMA (checked above).
            return unsafe { self.emissions_avx2(words) };
        }
        self.emissions_here(words)
    }

    /// [`emissions`](Self::emissions) compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The processor has AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    #[allow(
        unsafe_code,
        reason = "a function compiled for instructions the baseline processor lacks is unsafe to call"
    )]
    unsafe fn emissions_avx2(&self, words: &[&str]) -> Vec<f32> {
        self.emissions_here(words)
    }

    /// [`emissions`](Self::emissions) compiled for AVX-512.
    ///
    /// # Safety
    /// The processor has AVX-512F, BW, VL and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2,fma")]
    #[allow(
        unsafe_code,
        reason = "a function compiled for instructions the baseline processor lacks is unsafe to call"
    )]
    unsafe fn emissions_avx512(&self, words: &[&str]) -> Vec<f32> {
        self.emissions_here(words)
    }

    #[inline(always)]
    fn emissions_here(&self, words: &[&str]) -> Vec<f32> {
        let n = words.len();
        if n == 0 {
            return Vec::new();
        }
        let e = &*self.embeddings;
        let first = &self.first;
        let f0 = first.filters;
        let width = 3 * f0;
        let mut shapes = Vec::with_capacity(n);
        let mut rows = Vec::with_capacity(n);
        let mut fresh_words: Vec<Known> = Vec::new();
        let mut fresh_at: FxHashMap<u32, usize> = FxHashMap::default();
        let mut lower = String::new();
        for word in words {
            let known = e.lookup(word, &mut lower);
            let kept = known.slot().and_then(|slot| first.kept[slot].get());
            rows.push(match kept {
                Some(row) => Row::Kept(row),
                None => Row::Fresh(*fresh_at.entry(known.id).or_insert_with(|| {
                    fresh_words.push(known);
                    fresh_words.len() - 1
                })),
            });
            shapes.push(self.shape_ids[shape::shape_key(word)]);
        }
        // The new rows of kept words move into the network (another text
        // may have kept one first: the same row); the rest stay here.
        let mut unkept = Vec::new();
        let mut placed = Vec::with_capacity(fresh_words.len());
        let fresh_ids: Vec<u32> = fresh_words.iter().map(|known| known.id).collect();
        for (row, known) in first
            .rows(e, &fresh_ids, self.kernel)
            .into_iter()
            .zip(&fresh_words)
        {
            placed.push(match known.slot() {
                Some(slot) => Ok(first.kept[slot].get_or_init(|| row)),
                None => {
                    unkept.push(row);
                    Err(unkept.len() - 1)
                }
            });
        }
        let row = |s: usize| match rows[s] {
            Row::Kept(row) => row,
            Row::Fresh(k) => match placed[k] {
                Ok(row) => row,
                Err(at) => &unkept[at],
            },
        };
        // Each token's row is read once, start to end, and its three parts
        // added to the tokens they reach: the one after it (position 0),
        // itself (1) and the one before it (2). Each token still receives
        // its neighbours' parts in the order of the positions.
        let mut h = first.bias.repeat(n);
        for (s, &shape) in shapes.iter().enumerate() {
            let WordRow { step, values: word } = row(s);
            let shape = &first.shape_rows[shape * width..][..width];
            for o in 0..3 {
                let Some(t) = (s + 1).checked_sub(o).filter(|&t| t < n) else {
                    continue;
                };
                let z = &mut h[t * f0..(t + 1) * f0];
                let parts = word[o * f0..(o + 1) * f0]
                    .iter()
                    .zip(&shape[o * f0..(o + 1) * f0]);
                for (z, (&w, s)) in z.iter_mut().zip(parts) {
                    *z += f32::from(w) * step + s;
                }
            }
        }
        for z in &mut h {
            *z = rectify(*z);
        }
        let mut inputs = f0;
        for layer in &self.later {
            let (depth, width) = (layer.weights.depth(), layer.weights.width());
            let mut quantized = vec![0u8; n * depth];
            let mut steps = vec![0f32; n];
            for ((h, q), step) in h
                .chunks_exact(inputs)
                .zip(quantized.chunks_exact_mut(depth))
                .zip(&mut steps)
            {
                let largest = largest_magnitude(h);
                if largest > 0.0 {
                    *step = largest / 255.0;
                    let inverse = 255.0 / largest;
                    for (q, v) in q.iter_mut().zip(h) {
                        *q = to_byte(v * inverse);
                    }
                }
            }
            let sums = int8::product_new(self.kernel, &quantized, &layer.weights);
            let f = layer.filters;
            let mut next = vec![0f32; n * f];
            for (t, z) in next.chunks_exact_mut(f).enumerate() {
                z.copy_from_slice(&layer.bias);
                for o in 0..3 {
                    let Some(s) = neighbour(t, o, n) else {
                        continue;
                    };
                    let step = steps[s];
                    let sums = &sums[s * width + o * f..][..f];
                    let weight_steps = &layer.step[o * f..(o + 1) * f];
                    let shift = &layer.shift_terms[o * f..(o + 1) * f];
                    for (((z, &sum), weight_step), shift) in
                        z.iter_mut().zip(sums).zip(weight_steps).zip(shift)
                    {
                        *z += sum as f32 * (weight_step * step) + shift;
                    }
                }
                for z in z {
                    *z = rectify(*z);
                }
            }
            h = next;
            inputs = f;
        }
        let tags = self.projection_bias.len();
        let mut emissions = vec![0f32; n * tags];
        // The projection is `inputs × tags`, row by row.
        product(
            &h,
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
        let reach = self.network.reach();
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
    /// A long text is tagged [`MAX_RUN_TOKENS`] at a time, each window
    /// with the network's reach of words either side, which gives the tags
    /// the whole text would (each tag depends on its reach alone) in
    /// bounded memory.
    pub fn tag(&self, words: &[&str]) -> Vec<&str> {
        let reach = self.network.reach();
        let mut out = Vec::with_capacity(words.len());
        let mut start = 0;
        while start < words.len() {
            let end = (start + MAX_RUN_TOKENS).min(words.len());
            let from = start.saturating_sub(reach);
            let to = (end + reach).min(words.len());
            let tags = self.tag_all(&words[from..to]);
            out.extend_from_slice(&tags[start - from..end - from]);
            start = end;
        }
        out
    }

    fn tag_all(&self, words: &[&str]) -> Vec<&str> {
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

/// The most tokens the NER network tags at once (see
/// [`NerModel::mentions`]).
pub const MAX_RUN_TOKENS: usize = 8192;

/// Cuts `words` into runs of at most `max` tokens, each ending after a
/// sentence's last token (".", "!", "?", "…") in its second half where
/// there is one, else at `max` (a text with no sentence ends).
fn runs(words: &[&str], max: usize) -> Vec<std::ops::Range<usize>> {
    let max = max.max(2);
    let mut out = Vec::new();
    let mut start = 0;
    while words.len() - start > max {
        let end = (start + max / 2..start + max)
            .rev()
            .find(|&i| matches!(words[i], "." | "!" | "?" | "…"))
            .map_or(start + max, |i| i + 1);
        out.push(start..end);
        start = end;
    }
    if start < words.len() || out.is_empty() {
        out.push(start..words.len());
    }
    out
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
            || tags.len() > 256
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

    /// Computes now what the model otherwise computes the first time it
    /// meets each of its 40,000 most frequent words, and keeps (60 MB): the
    /// state it reaches after a long collection of texts. Worth it before
    /// a large batch; tagging gives the same tags either way.
    pub fn keep_all(&self) {
        self.network.keep_all();
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
        viterbi(&self.transitions, self.tags.len(), emissions, n)
    }

    /// The entity mentions in `text`: byte ranges and kinds. A long text is
    /// tagged a run of sentences at a time, at most [`MAX_RUN_TOKENS`]
    /// tokens each, so that memory stays bounded however long the text is
    /// (the network's layers hold a few hundred numbers per token); a text
    /// of fewer tokens is tagged whole, as before.
    pub fn mentions(&self, text: &str) -> Vec<(std::ops::Range<usize>, EntityKind)> {
        let tokens = tokens::tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|r| &text[r.clone()]).collect();
        let mut tags = Vec::with_capacity(words.len());
        for run in runs(&words, MAX_RUN_TOKENS) {
            tags.extend(self.tag(&words[run]));
        }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    #[test]
    fn long_texts_are_cut_into_runs_after_sentence_ends() {
        let words = ["a", "b", ".", "c", "d", "e", "!", "f", "g"];
        assert_eq!(super::runs(&words, 100), vec![0..9]);
        assert_eq!(super::runs(&words, 4), vec![0..3, 3..7, 7..9]);
        // No sentence end in reach: cut at the limit.
        let plain = ["w"; 10];
        assert_eq!(super::runs(&plain, 4), vec![0..4, 4..8, 8..10]);
        assert_eq!(super::runs(&[], 4), vec![0..0]);
        // Every token is in exactly one run, in order.
        let many: Vec<&str> = (0..1000)
            .map(|i| if i % 37 == 0 { "." } else { "x" })
            .collect();
        let cut = super::runs(&many, 64);
        assert!(cut.windows(2).all(|pair| pair[0].end == pair[1].start));
        assert_eq!((cut[0].start, cut[cut.len() - 1].end), (0, 1000));
        assert!(cut.iter().all(|run| run.len() <= 64));
    }

    use rustc_hash::FxHashMap;

    use super::{Embeddings, Layer, Network, int8, shape, to_byte, to_short};

    /// A small generator of numbers in -1..1, so the test needs no crate.
    struct Numbers(u64);

    impl Numbers {
        fn next(&mut self) -> f32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % 20_001) as f32 / 10_000.0 - 1.0
        }

        fn many(&mut self, count: usize) -> Vec<f32> {
            (0..count).map(|_| self.next()).collect()
        }
    }

    const VOCABULARY: usize = 40;
    const SHAPES: [&str; 4] = ["RU_Xx", "RU_xx", "EN_xx", "OTHER"];

    /// A network of made-up weights the size of a toy: word vectors of 12
    /// dimensions in 4 quantized chunks, shape vectors of 2, convolutions
    /// of 8, 6 and 5 filters, 4 tags. Ten words' rows are kept.
    fn made_up(seed: u64) -> Made {
        let mut numbers = Numbers(seed | 1);
        let (qdim, chunk, centroids, shape_dim) = (4, 3, 5, 2);
        let mut words: Vec<String> = (0..VOCABULARY)
            .map(|id| ["слово", "word"][id % 2].to_owned() + &id.to_string())
            .collect();
        words.push("<unk>".to_owned());
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let indexes = (0..(VOCABULARY + 1) * qdim)
            .map(|i| (i * 7 % centroids) as u8)
            .collect();
        let codes = numbers.many(qdim * centroids * chunk);
        let counts: Vec<u32> = (0..=VOCABULARY as u32).map(|id| id * 37 % 23).collect();
        let embeddings = Arc::new(Embeddings::new(
            &words,
            VOCABULARY as u32,
            &counts,
            10,
            (indexes, qdim, codes, centroids, chunk),
        ));
        let mut layers = Vec::new();
        let mut inputs = qdim * chunk + shape_dim;
        for filters in [8, 6, 5] {
            layers.push(Layer {
                filters,
                inputs,
                weight: numbers.many(filters * inputs * 3),
                bias: numbers.many(filters),
                scale: numbers.many(filters).iter().map(|x| x * 2.0).collect(),
                shift: numbers.many(filters),
                reach: numbers
                    .many(filters)
                    .iter()
                    .map(|x| x.abs() + 0.5)
                    .collect(),
            });
            inputs = filters;
        }
        let projection = numbers.many(inputs * 4);
        let projection_bias = numbers.many(4);
        let shape_vectors = numbers.many(SHAPES.len() * shape_dim);
        let shapes: FxHashMap<String, usize> = SHAPES
            .iter()
            .enumerate()
            .map(|(id, shape)| ((*shape).to_owned(), id))
            .collect();
        let network = Network::new(
            Arc::clone(&embeddings),
            (shapes, 3, &shape_vectors, shape_dim),
            &layers,
            projection.clone(),
            projection_bias.clone(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Made {
            network,
            layers,
            projection,
            projection_bias,
            shape_vectors,
        }
    }

    /// A made-up network and the weights it was made of.
    struct Made {
        network: Network,
        layers: Vec<Layer>,
        projection: Vec<f32>,
        projection_bias: Vec<f32>,
        shape_vectors: Vec<f32>,
    }

    /// The network as it was trained, in floats and in the plainest
    /// loops: each token's word and shape vectors, three convolutions of
    /// kernel 3 over zero padding, each rectified and normalized, the
    /// projection.
    fn reference(made: &Made, words: &[&str]) -> Vec<f32> {
        let e = &*made.network.embeddings;
        let (projection, projection_bias) = (&made.projection, &made.projection_bias);
        let shape_vectors = &made.shape_vectors;
        let mut lower = String::new();
        let mut x: Vec<Vec<f32>> = words
            .iter()
            .map(|word| {
                let mut vector = vec![0f32; e.dim()];
                e.vector(e.id(word, &mut lower), &mut vector);
                let shape = SHAPES
                    .iter()
                    .position(|s| *s == shape::word_shape(word))
                    .unwrap_or(3);
                vector.extend_from_slice(&shape_vectors[shape * 2..shape * 2 + 2]);
                vector
            })
            .collect();
        for layer in &made.layers {
            x = (0..x.len())
                .map(|t| {
                    (0..layer.filters)
                        .map(|f| {
                            let mut z = layer.bias[f];
                            for o in 0..3 {
                                if let Some(s) = (t + o).checked_sub(1).filter(|&s| s < x.len()) {
                                    for (i, value) in x[s].iter().enumerate() {
                                        z += layer.at(f, i, o) * value;
                                    }
                                }
                            }
                            z.max(0.0) * layer.scale[f] + layer.shift[f]
                        })
                        .collect()
                })
                .collect();
        }
        let tags = projection_bias.len();
        x.iter()
            .flat_map(|h| {
                (0..tags).map(move |t| {
                    projection_bias[t]
                        + h.iter()
                            .enumerate()
                            .map(|(i, v)| v * projection[i * tags + t])
                            .sum::<f32>()
                })
            })
            .collect()
    }

    #[test]
    fn the_folded_integer_network_computes_the_trained_one() {
        let text = [
            "Слово1",
            "word2",
            "слово3",
            "кто-то",
            "WORD7",
            ",",
            "слово1",
            "word38",
            "word2",
            "слово0",
        ];
        for seed in 1..=20u64 {
            let made = made_up(seed);
            for length in [1, 2, 3, text.len()] {
                let words = &text[..length];
                let expected = reference(&made, words);
                let first = made.network.emissions(words);
                // Again, now that the frequent words' rows are kept.
                let again = made.network.emissions(words);
                assert_eq!(first, again, "seed {seed}: kept rows change nothing");
                assert_eq!(first.len(), expected.len());
                // Eight-bit steps leave an error of a fraction of a percent
                // on average, a few percent at worst where large terms
                // cancel; a term in the wrong place would be tens of
                // percent off.
                let largest = expected.iter().fold(1f32, |m, v| m.max(v.abs()));
                let errors: Vec<f32> = first
                    .iter()
                    .zip(&expected)
                    .map(|(got, want)| (got - want).abs() / largest)
                    .collect();
                let worst = errors.iter().fold(0f32, |m, &e| m.max(e));
                let mean = errors.iter().sum::<f32>() / errors.len() as f32;
                assert!(
                    worst <= 0.15 && mean <= 0.04,
                    "seed {seed}, {length} words: worst error {worst}, mean {mean}"
                );
            }
        }
    }

    #[test]
    fn letters_and_lower_case_as_the_standard_library_has_them() {
        let e = made_up(3).network.embeddings;
        let mut lower = String::new();
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(super::letter(c), c.is_alphabetic(), "{c:?}");
        }
        // Every letter through the lower-casing of a lookup, in a word of
        // its own (a letterless word is not lower-cased at all).
        let letters = (0..=u32::from(char::MAX)).filter_map(char::from_u32);
        for c in letters.filter(|c| c.is_alphabetic()) {
            let word = format!("{c}x");
            e.id(&word, &mut lower);
            if word.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
                assert_eq!(lower, word.to_lowercase(), "{c:?}");
            }
        }
    }

    #[test]
    fn viterbi_finds_the_best_path_of_all() {
        for seed in 1..=200u64 {
            let mut numbers = Numbers(seed);
            let tags = 1 + (seed as usize % 4);
            let n = 1 + (seed as usize / 4 % 5);
            let transitions = numbers.many(tags * tags);
            let emissions = numbers.many(n * tags);
            let score = |path: &[usize]| {
                path.iter()
                    .enumerate()
                    .map(|(t, &tag)| emissions[t * tags + tag])
                    .sum::<f32>()
                    + path
                        .windows(2)
                        .map(|p| transitions[p[0] * tags + p[1]])
                        .sum::<f32>()
            };
            // Every path, as a number written in base `tags`.
            let best = (0..tags.pow(n as u32))
                .map(|mut number| {
                    (0..n)
                        .map(|_| {
                            let tag = number % tags;
                            number /= tags;
                            tag
                        })
                        .collect::<Vec<_>>()
                })
                .max_by(|a, b| score(a).total_cmp(&score(b)))
                .unwrap_or_default();
            let found = super::viterbi(&transitions, tags, &emissions, n);
            assert!(
                (score(&found) - score(&best)).abs() < 1e-5,
                "seed {seed}: {found:?} ({}) against {best:?} ({})",
                score(&found),
                score(&best)
            );
        }
    }

    #[test]
    fn words_of_every_length_are_found_in_any_case() {
        let vocabulary = [
            "война",
            "военнослужащий",
            "военнослужащими",
            "переосвидетельствование",
            "a",
            "<unk>",
        ];
        let counts = [5, 3, 1, 9, 2, 0];
        // Two kept: the unknown word and the most frequent.
        let e = Embeddings::new(&vocabulary, 5, &counts, 2, (vec![0; 6], 1, vec![0.0], 1, 1));
        let mut lower = String::new();
        for (id, word) in vocabulary.iter().enumerate().take(5) {
            assert_eq!(e.id(word, &mut lower), id as u32, "{word}");
            assert_eq!(e.id(&word.to_uppercase(), &mut lower), id as u32, "{word}");
        }
        for unknown in ["мир", "переосвидетельствования", "42", "«", ""]
        {
            assert_eq!(e.id(unknown, &mut lower), 5, "{unknown}");
        }
    }

    #[test]
    fn keeping_every_row_first_changes_no_score() {
        let text = [
            "Слово5",
            "word12",
            "кто-то",
            "слово9",
            ".",
            "word33",
            "слово1",
        ];
        let lazy = made_up(11).network;
        let eager = made_up(11).network;
        eager.keep_all();
        assert!(eager.first.kept.iter().all(|row| row.get().is_some()));
        assert_eq!(eager.emissions(&text), lazy.emissions(&text));
    }

    #[test]
    fn every_kernel_gives_the_same_scores() {
        let text = ["Слово5", "word12", "кто-то", "слово9", "."];
        let mut network = made_up(7).network;
        let best = network.emissions(&text);
        network.kernel = int8::Kernel::Portable;
        let mut fresh = made_up(7).network;
        fresh.kernel = int8::Kernel::Portable;
        assert_eq!(fresh.emissions_here(&text), best);
        assert_eq!(network.emissions(&text), best);
    }

    #[test]
    fn bytes_are_rounded_and_clamped() {
        for (x, short) in [
            (-40000.0, -32767),
            (-2.5, -2),
            (-1.4, -1),
            (-0.5, 0),
            (0.6, 1),
            (3.5, 4),
            (32767.4, 32767),
            (1e9, 32767),
        ] {
            assert_eq!(to_short(x), short, "{x}");
        }
        let cases = [
            (-3.0, 0),
            (0.0, 0),
            (0.49, 0),
            (0.5, 0),
            (0.51, 1),
            (1.5, 2),
            (2.5, 2),
            (127.2, 127),
            (254.6, 255),
            (255.0, 255),
            (300.0, 255),
        ];
        for (x, byte) in cases {
            assert_eq!(to_byte(x), byte, "{x}");
        }
    }
}
