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

mod archive;
mod crf;
mod embeddings;
mod morph;
mod network;
mod shape;
pub mod tokens;

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::{Arc, OnceLock};

use casefile_kernels::{int8, product};
use rustc_hash::FxHashMap;
use serde_json::Value;

use archive::*;
use crf::*;
pub use embeddings::Embeddings;
use embeddings::*;
pub use morph::MorphModel;
use network::*;

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
