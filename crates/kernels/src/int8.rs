//! Integer matrix products for the network's later convolutions: unsigned
//! 8-bit activations times signed 8-bit weights, summed in 32-bit integers.
//!
//! Integer sums are exact, so the four ways of computing them here (AMX
//! tiles, AVX-512 VNNI, AVX2, plain Rust) give the same sums. The way is
//! chosen at run time from what the processor (and for AMX, the system)
//! has, so the binary stays portable.
//!
//! The weights are packed once, when the model loads: for every four rows of
//! the weight matrix (its depth), every column's four weights side by side,
//! which is the order in which VNNI's `vpdpbusd` sums four products into one
//! 32-bit lane, and the layout AMX reads a tile of weights in.

/// Columns are padded to a multiple of this: the widest kernel's block.
const COLUMN_BLOCK: usize = 64;

/// Rows of the weights (the depth) are padded to a multiple of this: the
/// depth of an AMX tile.
const DEPTH_BLOCK: usize = 64;

/// A `depth × width` matrix of signed 8-bit weights, packed for [`product`].
#[derive(Debug, Clone)]
pub struct Weights {
    /// Rows, rounded up to a multiple of [`DEPTH_BLOCK`] (the padding is
    /// zero).
    depth: usize,
    /// Columns, rounded up to a multiple of [`COLUMN_BLOCK`] (zero too).
    width: usize,
    /// `depth / 4 × width × 4`: for row group `g`, column `c`, the weights
    /// of rows `4g .. 4g + 4` at `(g · width + c) · 4`.
    values: Vec<i8>,
}

impl Weights {
    /// Packs the `rows × columns` matrix whose entry (i, j) is `value(i, j)`.
    pub fn new(rows: usize, columns: usize, value: impl Fn(usize, usize) -> i8) -> Self {
        let depth = rows.div_ceil(DEPTH_BLOCK) * DEPTH_BLOCK;
        let width = columns.div_ceil(COLUMN_BLOCK) * COLUMN_BLOCK;
        let mut values = vec![0i8; depth * width];
        for i in 0..rows {
            for j in 0..columns {
                values[((i / 4) * width + j) * 4 + i % 4] = value(i, j);
            }
        }
        Self {
            depth,
            width,
            values,
        }
    }

    /// The row stride [`product`] expects of its activations.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The row stride of [`product`]'s output.
    pub fn width(&self) -> usize {
        self.width
    }
}

/// A way of computing [`product`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// Intel's AMX tiles (with VNNI for the rows short of a tile): 16,384
    /// products summed by one instruction. Linux on x86-64 only, where the
    /// process must ask the kernel for the tiles' state first.
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    Amx,
    /// AVX-512 with VNNI: 64 products summed by one instruction.
    #[cfg(target_arch = "x86_64")]
    Vnni,
    /// AVX2: 16 products summed by one instruction, widened to 16 bits.
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// Plain Rust, for every processor.
    Portable,
}

impl Kernel {
    /// The fastest way this processor has.
    pub fn best() -> Self {
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        if Self::Amx.available() {
            return Self::Amx;
        }
        #[cfg(target_arch = "x86_64")]
        {
            if Self::Vnni.available() {
                return Self::Vnni;
            }
            if Self::Avx2.available() {
                return Self::Avx2;
            }
        }
        Self::Portable
    }

    /// Whether this processor can run this way.
    pub fn available(self) -> bool {
        match self {
            #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
            Self::Amx => Self::Vnni.available() && amx::ready(),
            #[cfg(target_arch = "x86_64")]
            Self::Vnni => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vnni")
            }
            #[cfg(target_arch = "x86_64")]
            Self::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            Self::Portable => true,
        }
    }
}

/// `a · weights`, where `a` is `rows × weights.depth()` unsigned
/// activations, row by row, into a new `rows × weights.width()` vector,
/// computed by `kernel` when the processor has it, else the portable way
/// (not zeroed first where a vector kernel writes every sum).
pub fn product(kernel: Kernel, a: &[u8], weights: &Weights) -> Vec<i32> {
    let rows = a.len() / weights.depth;
    let len = rows * weights.width;
    assert!(a.len() == rows * weights.depth, "matrix sizes do not fit");
    let mut out = Vec::with_capacity(len);
    #[allow(
        unsafe_code,
        reason = "a vector kernel stores every one of the rows × width sums, so the vector is whole before its length is set"
    )]
    // SAFETY: `a` holds rows × depth values (asserted) and the capacity
    // is rows × width; when `vector` says it ran, the kernel has written
    // each of those places, and only then is the length set.
    unsafe {
        if vector(kernel, a, rows, weights, out.as_mut_ptr()) {
            out.set_len(len);
            return out;
        }
    }
    out.resize(len, 0);
    portable(a, rows, weights, &mut out);
    out
}

/// Runs `kernel` into `out` when it is a vector kernel this processor (and
/// for AMX, the system) has, and says whether it did.
///
/// # Safety
/// `a` holds `rows × weights.depth` values; `out` points to `rows ×
/// weights.width` writable places (they need not hold values yet).
#[allow(
    unsafe_code,
    reason = "the vector kernels use instructions the processor was just found to have, at offsets the caller's sizes bound"
)]
unsafe fn vector(kernel: Kernel, a: &[u8], rows: usize, weights: &Weights, out: *mut i32) -> bool {
    if rows == 0 || kernel == Kernel::Portable || !kernel.available() {
        return rows == 0;
    }
    // SAFETY: the processor has the kernel's instructions (and AMX's
    // tiles were granted: `available`); the sizes are the caller's.
    unsafe {
        match kernel {
            #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
            Kernel::Amx => amx::product(a, rows, weights, out),
            #[cfg(target_arch = "x86_64")]
            Kernel::Vnni => x86::vnni(a, rows, weights, out),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => x86::avx2(a, rows, weights, out),
            Kernel::Portable => return false,
        }
    }
    true
}

fn portable(a: &[u8], rows: usize, weights: &Weights, out: &mut [i32]) {
    let (depth, width) = (weights.depth, weights.width);
    for r in 0..rows {
        let sums = &mut out[r * width..(r + 1) * width];
        sums.fill(0);
        let row = &a[r * depth..(r + 1) * depth];
        for (g, four) in row.chunks_exact(4).enumerate() {
            let group = &weights.values[g * width * 4..(g + 1) * width * 4];
            let [a0, a1, a2, a3] = [four[0], four[1], four[2], four[3]].map(i32::from);
            for (sum, w) in sums.iter_mut().zip(group.chunks_exact(4)) {
                *sum += a0 * i32::from(w[0])
                    + a1 * i32::from(w[1])
                    + a2 * i32::from(w[2])
                    + a3 * i32::from(w[3]);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(
    unsafe_code,
    reason = "vector kernels: raw loads and stores at offsets the callers' checked sizes bound"
)]
mod x86 {
    use std::arch::x86_64::{
        __m256i, __m512i, _mm_loadu_si128, _mm256_add_epi32, _mm256_cvtepi8_epi16,
        _mm256_madd_epi16, _mm256_set_epi32, _mm256_setzero_si256, _mm256_storeu_si256,
        _mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_set1_epi32, _mm512_setzero_si512,
        _mm512_storeu_si512,
    };

    use super::{COLUMN_BLOCK, Weights};

    /// Rows computed together by the VNNI kernel: 4 accumulators each, 24
    /// of the 32 vector registers.
    const VNNI_ROWS: usize = 6;

    /// # Safety
    /// The processor has AVX-512F and VNNI; `a` is `rows × depth`, `out`
    /// points to `rows × width` writable places (they need not hold values
    /// yet: each is written once, never read).
    #[target_feature(enable = "avx512f,avx512vnni")]
    pub(super) unsafe fn vnni(a: &[u8], rows: usize, weights: &Weights, out: *mut i32) {
        tiles(
            rows,
            weights.width,
            (VNNI_ROWS, COLUMN_BLOCK),
            |row, block, whole| {
                // SAFETY: the tile's rows and columns exist (`tiles`).
                unsafe {
                    if whole {
                        vnni_tile::<VNNI_ROWS>(a, row, weights, block, out);
                    } else {
                        vnni_tile::<1>(a, row, weights, block, out);
                    }
                }
            },
        );
    }

    /// Visits the output in tiles: for each block of `columns` columns,
    /// the rows `many` at a time, then the rest one at a time, as
    /// `tile(row, block, whole)`, `whole` for a tile of `many` rows.
    #[inline(always)]
    fn tiles(
        rows: usize,
        width: usize,
        (many, columns): (usize, usize),
        mut tile: impl FnMut(usize, usize, bool),
    ) {
        for block in (0..width).step_by(columns) {
            let mut row = 0;
            while row + many <= rows {
                tile(row, block, true);
                row += many;
            }
            while row < rows {
                tile(row, block, false);
                row += 1;
            }
        }
    }

    /// Rows `row .. row + R`, columns `block .. block + 64`.
    ///
    /// # Safety
    /// As [`vnni`], and `row + R <= rows`, `block + 64 <= width`.
    #[target_feature(enable = "avx512f,avx512vnni")]
    unsafe fn vnni_tile<const R: usize>(
        a: &[u8],
        row: usize,
        weights: &Weights,
        block: usize,
        out: *mut i32,
    ) {
        let (depth, width) = (weights.depth, weights.width);
        let mut sums: [[__m512i; 4]; R] = [[_mm512_setzero_si512(); 4]; R];
        let b = weights.values.as_ptr();
        let a = a.as_ptr();
        for g in 0..depth / 4 {
            // SAFETY: group g's columns `block .. block + 64` are 256 bytes
            // inside `values` (g < depth / 4, block + 64 <= width); the four
            // activations of each row are inside `a` (row + r < rows,
            // 4g + 4 <= depth).
            unsafe {
                let at = b.add((g * width + block) * 4);
                let w = [
                    _mm512_loadu_si512(at.cast()),
                    _mm512_loadu_si512(at.add(64).cast()),
                    _mm512_loadu_si512(at.add(128).cast()),
                    _mm512_loadu_si512(at.add(192).cast()),
                ];
                for (r, sums) in sums.iter_mut().enumerate() {
                    let four = a
                        .add((row + r) * depth + 4 * g)
                        .cast::<i32>()
                        .read_unaligned();
                    let four = _mm512_set1_epi32(four);
                    for (sum, w) in sums.iter_mut().zip(w) {
                        *sum = _mm512_dpbusd_epi32(*sum, four, w);
                    }
                }
            }
        }
        for (r, sums) in sums.iter().enumerate() {
            for (c, sum) in sums.iter().enumerate() {
                // SAFETY: 16 lanes at row + r, columns block + 16c.. inside
                // `out` (rows × width).
                unsafe {
                    _mm512_storeu_si512(out.add((row + r) * width + block + 16 * c).cast(), *sum);
                }
            }
        }
    }

    /// Rows computed together by the AVX2 kernel.
    const AVX2_ROWS: usize = 2;
    /// Columns computed together by the AVX2 kernel: four per register.
    const AVX2_COLUMNS: usize = 16;

    /// # Safety
    /// The processor has AVX2; `a` is `rows × depth`, `out` points to `rows
    /// × width` writable places (written once, never read).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2(a: &[u8], rows: usize, weights: &Weights, out: *mut i32) {
        tiles(
            rows,
            weights.width,
            (AVX2_ROWS, AVX2_COLUMNS),
            |row, block, whole| {
                // SAFETY: the tile's rows and columns exist (`tiles`).
                unsafe {
                    if whole {
                        avx2_tile::<AVX2_ROWS>(a, row, weights, block, out);
                    } else {
                        avx2_tile::<1>(a, row, weights, block, out);
                    }
                }
            },
        );
    }

    /// Rows `row .. row + R`, columns `block .. block + 16`. Each weight
    /// byte is widened to 16 bits; `vpmaddwd` then sums two products per
    /// 32-bit lane, so one register holds four columns' sums in two halves
    /// (rows 4g, 4g + 1 in one lane, 4g + 2, 4g + 3 in the next), added at
    /// the end. Activations are at most 255 and weights at least -128, so
    /// no product or pair overflows.
    ///
    /// # Safety
    /// As [`avx2`], and `row + R <= rows`, `block + 16 <= width`.
    #[target_feature(enable = "avx2")]
    unsafe fn avx2_tile<const R: usize>(
        a: &[u8],
        row: usize,
        weights: &Weights,
        block: usize,
        out: *mut i32,
    ) {
        let (depth, width) = (weights.depth, weights.width);
        let mut sums: [[__m256i; 4]; R] = [[_mm256_setzero_si256(); 4]; R];
        let b = weights.values.as_ptr();
        let a = a.as_ptr();
        for g in 0..depth / 4 {
            // SAFETY: group g's columns `block .. block + 16` are 64 bytes
            // inside `values`; each row's four activations are inside `a`.
            unsafe {
                let at = b.add((g * width + block) * 4);
                let w = [
                    _mm256_cvtepi8_epi16(_mm_loadu_si128(at.cast())),
                    _mm256_cvtepi8_epi16(_mm_loadu_si128(at.add(16).cast())),
                    _mm256_cvtepi8_epi16(_mm_loadu_si128(at.add(32).cast())),
                    _mm256_cvtepi8_epi16(_mm_loadu_si128(at.add(48).cast())),
                ];
                for (r, sums) in sums.iter_mut().enumerate() {
                    let four = a.add((row + r) * depth + 4 * g);
                    let low = i32::from(*four) | (i32::from(*four.add(1)) << 16);
                    let high = i32::from(*four.add(2)) | (i32::from(*four.add(3)) << 16);
                    let pairs = _mm256_set_epi32(high, low, high, low, high, low, high, low);
                    for (sum, w) in sums.iter_mut().zip(w) {
                        *sum = _mm256_add_epi32(*sum, _mm256_madd_epi16(pairs, w));
                    }
                }
            }
        }
        for (r, sums) in sums.iter().enumerate() {
            for (c, sum) in sums.iter().enumerate() {
                let mut halves = [0i32; 8];
                // SAFETY: `halves` holds 8 lanes.
                unsafe { _mm256_storeu_si256(halves.as_mut_ptr().cast(), *sum) };
                let at = (row + r) * width + block + 4 * c;
                for (j, pair) in halves.chunks_exact(2).enumerate() {
                    // SAFETY: row + r < rows, column block + 4c + j < width.
                    unsafe { out.add(at + j).write(pair[0] + pair[1]) };
                }
            }
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[allow(
    unsafe_code,
    reason = "AMX has no intrinsics in stable Rust: its instructions are written out, with raw pointers at offsets the callers' checked sizes bound"
)]
mod amx {
    use std::sync::OnceLock;

    use super::{DEPTH_BLOCK, Weights, x86};

    /// Rows and 32-bit columns of an accumulator tile.
    const TILE: usize = 16;

    /// Whether this processor has AMX's tiles and 8-bit products and the
    /// kernel has granted this process their state (Linux asks a process
    /// to request it once: `arch_prctl(ARCH_REQ_XCOMP_PERM,
    /// XFEATURE_XTILEDATA)`). Asked once.
    pub(super) fn ready() -> bool {
        static READY: OnceLock<bool> = OnceLock::new();
        *READY.get_or_init(|| {
            // CPUID leaf 7: EDX bit 24 is AMX-TILE, bit 25 AMX-INT8.
            let leaf = std::arch::x86_64::__cpuid_count(7, 0);
            if leaf.edx & (1 << 24) == 0 || leaf.edx & (1 << 25) == 0 {
                return false;
            }
            const ARCH_REQ_XCOMP_PERM: libc::c_long = 0x1023;
            const XFEATURE_XTILEDATA: libc::c_long = 18;
            // SAFETY: a request about this process's own register state,
            // with no pointer; it fails cleanly where unsupported.
            let granted = unsafe {
                libc::syscall(
                    libc::SYS_arch_prctl,
                    ARCH_REQ_XCOMP_PERM,
                    XFEATURE_XTILEDATA,
                )
            };
            granted == 0
        })
    }

    /// The tile configuration: palette 1; tiles 0 to 3 accumulate 16 × 16
    /// sums; tile 4 holds 16 rows of 64 activations; tiles 5 to 7 hold 16
    /// groups of 4 rows of 16 columns of weights. Every tile is 16 rows of
    /// 64 bytes.
    #[repr(C, align(64))]
    struct Config([u8; 64]);

    fn config() -> Config {
        let mut bytes = [0u8; 64];
        bytes[0] = 1;
        for tile in 0..8 {
            bytes[16 + 2 * tile..18 + 2 * tile].copy_from_slice(&64u16.to_le_bytes());
            bytes[48 + tile] = TILE as u8;
        }
        Config(bytes)
    }

    /// `out = a · weights` for `rows` rows: 32 rows by 32 columns at a
    /// time in four tiles, then a last 16 rows by 64 columns, the rest by
    /// the VNNI kernel.
    ///
    /// # Safety
    /// The processor has AMX and VNNI and [`ready`] granted the tiles; `a`
    /// is `rows × depth`, `out` points to `rows × width` writable places.
    #[target_feature(enable = "avx512f,avx512vnni")]
    pub(super) unsafe fn product(a: &[u8], rows: usize, weights: &Weights, out: *mut i32) {
        let (depth, width) = (weights.depth, weights.width);
        let whole = rows / TILE * TILE;
        if whole > 0 {
            let config = config();
            let steps = depth / DEPTH_BLOCK;
            // SAFETY: the configuration is 64 bytes as `ldtilecfg` reads
            // them. Tiles of activations read 16 rows of 64 bytes at row
            // stride `depth` (rows below `pairs` or `whole`, bytes below
            // `depth`); tiles of weights read 16 groups of 64 bytes at
            // stride `width · 4` (groups below `depth / 4`, columns below
            // `width`, which is a multiple of 64); each store writes 16
            // rows of 16 sums at stride `width · 4` bytes, inside `out`.
            // `tilerelease` leaves the tiles as they were found.
            unsafe {
                std::arch::asm!("ldtilecfg [{}]", in(reg) config.0.as_ptr(), options(nostack, readonly));
                // 32 rows and 32 columns at a time: each tile of
                // activations and of weights loaded serves two products.
                let pairs = rows / (2 * TILE) * (2 * TILE);
                for row in (0..pairs).step_by(2 * TILE) {
                    for block in (0..width).step_by(32) {
                        std::arch::asm!(
                            "tilezero tmm0",
                            "tilezero tmm1",
                            "tilezero tmm2",
                            "tilezero tmm3",
                            "2:",
                            "tileloadd tmm4, [{a} + {a_stride}*1]",
                            "tileloadd tmm5, [{a2} + {a_stride}*1]",
                            "tileloadd tmm6, [{b} + {b_stride}*1]",
                            "tileloadd tmm7, [{b} + {b_stride}*1 + 64]",
                            "tdpbusd tmm0, tmm4, tmm6",
                            "tdpbusd tmm1, tmm4, tmm7",
                            "tdpbusd tmm2, tmm5, tmm6",
                            "tdpbusd tmm3, tmm5, tmm7",
                            "add {a}, 64",
                            "add {a2}, 64",
                            "add {b}, {b_step}",
                            "dec {steps}",
                            "jnz 2b",
                            "tilestored [{c} + {c_stride}*1], tmm0",
                            "tilestored [{c} + {c_stride}*1 + 64], tmm1",
                            "tilestored [{c2} + {c_stride}*1], tmm2",
                            "tilestored [{c2} + {c_stride}*1 + 64], tmm3",
                            a = inout(reg) a.as_ptr().add(row * depth) => _,
                            a2 = inout(reg) a.as_ptr().add((row + TILE) * depth) => _,
                            b = inout(reg) weights.values.as_ptr().add(block * 4) => _,
                            steps = inout(reg) steps => _,
                            a_stride = in(reg) depth,
                            b_stride = in(reg) width * 4,
                            b_step = in(reg) 16 * width * 4,
                            c = in(reg) out.add(row * width + block),
                            c2 = in(reg) out.add((row + TILE) * width + block),
                            c_stride = in(reg) width * 4,
                            options(nostack),
                        );
                    }
                }
                for row in (pairs..whole).step_by(TILE) {
                    for block in (0..width).step_by(64) {
                        std::arch::asm!(
                            "tilezero tmm0",
                            "tilezero tmm1",
                            "tilezero tmm2",
                            "tilezero tmm3",
                            "2:",
                            "tileloadd tmm4, [{a} + {a_stride}*1]",
                            "tileloadd tmm5, [{b} + {b_stride}*1]",
                            "tdpbusd tmm0, tmm4, tmm5",
                            "tileloadd tmm6, [{b} + {b_stride}*1 + 64]",
                            "tdpbusd tmm1, tmm4, tmm6",
                            "tileloadd tmm7, [{b} + {b_stride}*1 + 128]",
                            "tdpbusd tmm2, tmm4, tmm7",
                            "tileloadd tmm5, [{b} + {b_stride}*1 + 192]",
                            "tdpbusd tmm3, tmm4, tmm5",
                            "add {a}, 64",
                            "add {b}, {b_step}",
                            "dec {steps}",
                            "jnz 2b",
                            "tilestored [{c} + {c_stride}*1], tmm0",
                            "tilestored [{c} + {c_stride}*1 + 64], tmm1",
                            "tilestored [{c} + {c_stride}*1 + 128], tmm2",
                            "tilestored [{c} + {c_stride}*1 + 192], tmm3",
                            a = inout(reg) a.as_ptr().add(row * depth) => _,
                            b = inout(reg) weights.values.as_ptr().add(block * 4) => _,
                            steps = inout(reg) steps => _,
                            a_stride = in(reg) depth,
                            b_stride = in(reg) width * 4,
                            b_step = in(reg) 16 * width * 4,
                            c = in(reg) out.add(row * width + block),
                            c_stride = in(reg) width * 4,
                            options(nostack),
                        );
                    }
                }
                std::arch::asm!("tilerelease", options(nostack, nomem));
            }
        }
        if whole < rows {
            // SAFETY: the rows from `whole` on are inside `a` and `out`.
            unsafe {
                x86::vnni(
                    &a[whole * depth..],
                    rows - whole,
                    weights,
                    out.add(whole * width),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Kernel, Weights, product};

    fn kernels() -> Vec<Kernel> {
        let mut all = vec![Kernel::Portable];
        #[cfg(target_arch = "x86_64")]
        all.extend([Kernel::Vnni, Kernel::Avx2]);
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        all.push(Kernel::Amx);
        all.into_iter().filter(|k| k.available()).collect()
    }

    proptest! {
        /// Every kernel gives the exact integer product, at sizes that
        /// are and are not multiples of the blocks.
        #[test]
        fn every_kernel_gives_the_exact_sums(
            rows in 0usize..70,
            depth in 1usize..70,
            columns in 1usize..150,
            seed in any::<u64>(),
        ) {
            let mut state = seed | 1;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            let matrix: Vec<i8> = (0..depth * columns).map(|_| next() as i8).collect();
            let weights = Weights::new(depth, columns, |i, j| matrix[i * columns + j]);
            let mut a = vec![0u8; rows * weights.depth()];
            for r in 0..rows {
                for i in 0..depth {
                    a[r * weights.depth() + i] = next() as u8;
                }
            }
            let mut expected = vec![0i32; rows * weights.width()];
            for r in 0..rows {
                for j in 0..columns {
                    expected[r * weights.width() + j] = (0..depth)
                        .map(|i| i32::from(a[r * weights.depth() + i]) * i32::from(matrix[i * columns + j]))
                        .sum();
                }
            }
            for kernel in kernels() {
                prop_assert_eq!(&product(kernel, &a, &weights), &expected, "{:?}", kernel);
            }
        }
    }

    #[test]
    fn the_extremes_do_not_overflow() {
        // 255 × -128 in every product, 256 deep: the largest sums there are.
        let weights = Weights::new(256, 64, |_, _| -128);
        let a = vec![255u8; 3 * weights.depth()];
        for kernel in kernels() {
            let out = product(kernel, &a, &weights);
            assert!(out.iter().all(|&v| v == 255 * -128 * 256), "{kernel:?}");
        }
    }
}
