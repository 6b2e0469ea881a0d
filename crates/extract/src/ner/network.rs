//! The network: the first convolution over word and shape vectors (with the
//! rows of frequent words kept), the later convolutions in 8-bit integers,
//! and the projection to tag scores.

use super::*;

/// One convolution layer with its normalization, as the archive stores it.
#[derive(Debug)]
pub(super) struct Layer {
    pub(super) filters: usize,
    pub(super) inputs: usize,
    /// `filters × (inputs · 3)`: position `o` of input `i` for filter `f`
    /// is at `(f · inputs + i) · 3 + o`.
    pub(super) weight: Vec<f32>,
    pub(super) bias: Vec<f32>,
    /// Batch normalization folded into a scale and a shift per filter.
    pub(super) scale: Vec<f32>,
    pub(super) shift: Vec<f32>,
    /// Per filter, how far its rectified output usually reaches: the
    /// normalization's mean plus four standard deviations.
    pub(super) reach: Vec<f32>,
}

impl Layer {
    pub(super) fn at(&self, filter: usize, input: usize, position: usize) -> f32 {
        self.weight[(filter * self.inputs + input) * 3 + position]
    }
}

/// How many words' first-layer rows a network keeps once computed: the
/// most frequent in navec's counts, and the unknown word (numbers,
/// punctuation and words navec lacks, a third of a news text's tokens).
/// Each row is `3 × 256` 16-bit numbers, 1.5 KB, so at most 60 MB a
/// network, reached only after reading texts that use all of them.
pub(super) const KEPT_WORDS: usize = 40_000;

/// The first convolution, folded. It is linear in its input, a word vector
/// beside a shape vector, so what a word adds through each of the three
/// kernel positions can be computed once per word and added up per token:
/// the sum is the convolution, in another order. This was two thirds of
/// the network's multiplications; the rows of frequent words are kept.
pub(super) struct First {
    pub(super) filters: usize,
    /// `dim × (3 · filters)` in integers: column `o · filters + f` is
    /// position `o` of filter `f`, over the word vector's dimensions,
    /// quantized per column to -127..127.
    pub(super) word_weights: int8::Weights,
    /// Per column: the step of its quantized weights.
    pub(super) step: Vec<f32>,
    /// Per column: the sum of its quantized weights, times 128 (what the
    /// offset that makes word vectors unsigned adds).
    pub(super) offsets: Vec<i32>,
    /// `shapes × (3 · filters)`: what each shape adds, per position.
    pub(super) shape_rows: Vec<f32>,
    pub(super) bias: Vec<f32>,
    /// The rows of the kept words, by [`Known::slot`], filled on first
    /// use.
    pub(super) kept: Vec<OnceLock<WordRow>>,
}

/// What a word adds through the first convolution's three positions
/// (`3 × filters` values), in 16-bit integers on a step of the largest
/// magnitude / 32767: half the memory of floats, and finer than the 8-bit
/// weights the row was computed with.
#[derive(Debug, Clone)]
pub(super) struct WordRow {
    pub(super) step: f32,
    pub(super) values: Box<[i16]>,
}

impl WordRow {
    pub(super) fn new(row: &[f32]) -> Self {
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
pub(super) struct IntLayer {
    pub(super) filters: usize,
    /// `inputs × (3 · filters)`, column `o · filters + f`.
    pub(super) weights: int8::Weights,
    /// Per column: the step of its quantized weights.
    pub(super) step: Vec<f32>,
    pub(super) bias: Vec<f32>,
    /// `3 × filters`: what the previous shift adds through position `o`.
    pub(super) shift_terms: Vec<f32>,
    /// Per input: how far it usually reaches. The previous layer's outputs
    /// are divided by it (folded into that layer's numbers), so that
    /// every input spans about the same range before a token's inputs are
    /// quantized on one step.
    pub(super) channel: Vec<f32>,
}

/// The network slovnet's taggers share: word and shape vectors, three
/// convolutions, a projection to the tags. Run as [`First`], then
/// [`IntLayer`]s, then the projection.
pub(super) struct Network {
    pub(super) embeddings: Arc<Embeddings>,
    /// The model's shape id of each [`shape::shape_key`] ("OTHER"'s for a
    /// shape the model does not know).
    pub(super) shape_ids: Vec<usize>,
    pub(super) first: First,
    pub(super) later: Vec<IntLayer>,
    /// `inputs × tags`, the last layer's normalization folded in.
    pub(super) projection: Vec<f32>,
    pub(super) projection_bias: Vec<f32>,
    pub(super) kernel: int8::Kernel,
}

/// The slots of the kept words: the unknown word first, then the most
/// frequent by navec's counts (ties by id), `keep` in all.
pub(super) fn slots(counts: &[u32], words: usize, unknown_word: u32, keep: usize) -> Vec<u32> {
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
    pub(super) fn new(
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
    pub(super) fn divide_outputs(&mut self, divisors: &[f32]) {
        for values in [&mut self.step, &mut self.shape_rows, &mut self.bias] {
            divide_by_filter(values, divisors);
        }
    }

    /// The rows of words `ids`, one after another, computed as one product
    /// in integers: each word vector is quantized on a step of its largest
    /// magnitude / 127 and offset by 128 to be unsigned; the offset's
    /// share is taken off the sums.
    #[inline(always)]
    pub(super) fn rows(
        &self,
        embeddings: &Embeddings,
        ids: &[u32],
        kernel: int8::Kernel,
    ) -> Vec<WordRow> {
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
        let sums = int8::product(kernel, &quantized, &self.word_weights);
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
    pub(super) fn new(layer: &Layer, previous: &Layer) -> Self {
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
    pub(super) fn divide_outputs(&mut self, divisors: &[f32]) {
        for values in [&mut self.step, &mut self.shift_terms, &mut self.bias] {
            divide_by_filter(values, divisors);
        }
    }
}

/// Divides `values`, whose columns go by filter and then by kernel
/// position (column `c` belongs to filter `c % filters`), by each filter's
/// divisor.
pub(super) fn divide_by_filter(values: &mut [f32], divisors: &[f32]) {
    for (column, value) in values.iter_mut().enumerate() {
        *value /= divisors[column % divisors.len()];
    }
}

/// The largest magnitude in `values`, which hold no NaN. Compared as the
/// bits of the magnitudes, which order as the numbers do, and unlike a
/// floating-point maximum compile to vector instructions.
#[inline(always)]
pub(super) fn largest_magnitude(values: &[f32]) -> f32 {
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
pub(super) fn rectify(x: f32) -> f32 {
    if x > 0.0 { x } else { 0.0 }
}

/// `x` rounded to the nearest whole number (halves to even) in 0..=255.
/// Adding 2^23 leaves the rounded number in the low bits of the float,
/// which, unlike a saturating conversion, compiles to vector instructions.
#[inline(always)]
pub(super) fn to_byte(x: f32) -> u8 {
    const TWO_TO_23: f32 = 8_388_608.0;
    ((x.clamp(0.0, 255.0) + TWO_TO_23).to_bits() - TWO_TO_23.to_bits()) as u8
}

/// `x` rounded to the nearest whole number (halves to even) in
/// -32767..=32767, by the same means as [`to_byte`].
#[inline(always)]
pub(super) fn to_short(x: f32) -> i16 {
    // 1.5 · 2^23: negative numbers keep the exponent too.
    const SHIFTED: f32 = 12_582_912.0;
    (x.clamp(-32767.0, 32767.0) + SHIFTED)
        .to_bits()
        .wrapping_sub(SHIFTED.to_bits()) as i32 as i16
}

/// The token that kernel position `o` (0: the one before, 1: itself, 2:
/// the one after) reads for token `t` of `n`, if there is one.
pub(super) fn neighbour(t: usize, o: usize, n: usize) -> Option<usize> {
    (t + o).checked_sub(1).filter(|&s| s < n)
}

/// Where a token's first-layer row is: kept by the network, or among the
/// rows computed for this text.
pub(super) enum Row<'a> {
    Kept(&'a WordRow),
    Fresh(usize),
}

impl Network {
    /// The network of a model archive's members and its `model.json`, over
    /// navec's vectors (the models' vocabulary is navec's, in its order).
    pub(super) fn load(
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
    pub(super) fn new(
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
    pub(super) fn keep_all(&self) {
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
    pub(super) fn reach(&self) -> usize {
        1 + self.later.len()
    }

    /// The tag scores of `words` (the tokens of one text, in order):
    /// `words × outputs`. Compiled three times: for the baseline
    /// processor, for one with AVX2 and for one with AVX-512, the widest
    /// this one has taken. The loops add and multiply element by element
    /// (Rust never fuses a multiply and an add by itself), so all three
    /// give the same numbers.
    pub(super) fn emissions(&self, words: &[&str]) -> Vec<f32> {
        casefile_kernels::widest(
            #[inline(always)]
            || self.emissions_here(words),
        )
    }

    #[inline(always)]
    pub(super) fn emissions_here(&self, words: &[&str]) -> Vec<f32> {
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
            let sums = int8::product(self.kernel, &quantized, &layer.weights);
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
