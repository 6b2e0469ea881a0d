//! navec's word embeddings: the vocabulary, a word's lookup (lower-cased,
//! with the unknown word for the rest) and its product-quantized vector.

use super::*;

/// navec's word vectors, which slovnet's models share: the vocabulary (its
/// order is the models' word ids) and the product-quantized vectors.
/// Loaded once and shared by every model that reads them.
pub struct Embeddings {
    /// How many words the vocabulary has.
    pub(super) count: usize,
    /// The words of up to 32 bytes, held inside the table rather than
    /// behind pointers. The tables are hashed with rustc-hash's hasher,
    /// several times faster than the standard one on short words; the
    /// vocabulary is the model's, not an attacker's.
    pub(super) words: FxHashMap<InlineWord<32>, Known>,
    /// The longer words.
    pub(super) long: FxHashMap<String, Known>,
    /// Whether every word of the vocabulary has a letter (navec's do):
    /// then a token without one (a number, a mark) is unknown without
    /// looking it up.
    pub(super) all_lettered: bool,
    /// The kept words of up to 16 bytes again, in a table small enough
    /// to stay in the processor's cache: most tokens are found here first.
    pub(super) frequent: FxHashMap<InlineWord<16>, Known>,
    /// The unknown word, as the tables would hold it.
    pub(super) unknown: Known,
    /// How many words' rows a network keeps.
    pub(super) kept: usize,
    /// `vectors × qdim` centroid numbers.
    pub(super) indexes: Vec<u8>,
    pub(super) qdim: usize,
    /// `qdim × centroids × chunk`.
    pub(super) codes: Vec<f32>,
    pub(super) centroids: usize,
    pub(super) chunk: usize,
}

/// A word of the vocabulary as the lookup tables hold it: its id, and its
/// place among the words whose first-layer rows a network keeps
/// ([`KEPT_WORDS`]), or `u32::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Known {
    pub(super) id: u32,
    pub(super) slot: u32,
}

impl Known {
    pub(super) fn slot(self) -> Option<usize> {
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
    pub(super) fn new(
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
    pub(super) fn dim(&self) -> usize {
        self.qdim * self.chunk
    }

    /// The id of `word` (looked up in lower case, written into `lower`),
    /// or the unknown word's.
    #[cfg(test)]
    pub(super) fn id(&self, word: &str, lower: &mut String) -> u32 {
        self.lookup(word, lower).id
    }

    /// `word` (looked up in lower case, written into `lower`), or the
    /// unknown word.
    pub(super) fn lookup(&self, word: &str, lower: &mut String) -> Known {
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
    pub(super) fn vector(&self, id: u32, out: &mut [f32]) {
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
pub(super) type InlineWord<const N: usize> = [u8; N];

/// `word` as an [`InlineWord`], when it fits and does not end in a zero
/// byte (so that the padding is unambiguous; such a word is kept whole).
pub(super) fn inline<const N: usize>(word: &str) -> Option<InlineWord<N>> {
    let bytes = word.as_bytes();
    if bytes.len() > N || bytes.last() == Some(&0) {
        return None;
    }
    let mut key = [0u8; N];
    key[..bytes.len()].copy_from_slice(bytes);
    Some(key)
}

/// Whether `c` is a letter: `char::is_alphabetic`, answered without its
/// tables for ASCII and the Russian and Ukrainian alphabets.
pub(super) fn letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{400}'..='\u{45f}' => true,
        '\0'..='\u{7f}' => false,
        _ => c.is_alphabetic(),
    }
}
