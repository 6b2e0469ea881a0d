//! The arithmetic under casefile's NER network, and the only unsafe code of
//! the extraction stage: matrix products over raw pointers and vector
//! instructions chosen at run time. Each function here is safe to call:
//! it checks the sizes it is given, and it runs an instruction only where
//! the processor (and, for AMX, the system) was found to have it. The
//! binary stays portable; what a processor lacks is never run.
//!
//! - [`int8`]: unsigned 8-bit activations times signed 8-bit weights,
//!   summed exactly in 32-bit integers (AMX, AVX-512 VNNI, AVX2 or plain
//!   Rust, all giving the same sums).
//! - [`product`]: a single-precision product by matrixmultiply.
//! - [`widest`]: runs a computation compiled for the widest vector
//!   instructions the processor has.

pub mod int8;

/// `out (rows × cols) = a (rows × k) · B`, or `out += a · B` when
/// `accumulate`, where `B` is the `k × cols` matrix whose entry (i, j) is
/// `b[i * b_row + j * b_col]`. Computed by matrixmultiply's
/// single-precision product, which picks the widest vector instructions the
/// processor has (AVX and FMA where present) at run time, so the binary
/// stays portable.
pub fn product(
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

/// Runs `work` compiled for the widest vector instructions this processor
/// has: AVX-512 (F, BW, VL) with FMA, else AVX2 with FMA, else the baseline.
/// What `work` computes does not depend on the choice when it only adds and
/// multiplies element by element (Rust never fuses a multiply and an add by
/// itself): only its speed does. Give it a closure marked
/// `#[inline(always)]` over code marked so too, so that the compiler builds
/// it into each variant.
#[inline]
pub fn widest<R>(work: impl FnOnce() -> R) -> R {
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
        return unsafe { on_avx512(work) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        #[allow(
            unsafe_code,
            reason = "calling code compiled for AVX2 and FMA, which this processor was just found to have"
        )]
        // SAFETY: the processor has AVX2 and FMA (checked above).
        return unsafe { on_avx2(work) };
    }
    work()
}

/// `work` compiled for AVX2 and FMA.
///
/// # Safety
/// The processor has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(
    unsafe_code,
    reason = "a function compiled for instructions the baseline processor lacks is unsafe to call"
)]
unsafe fn on_avx2<R>(work: impl FnOnce() -> R) -> R {
    work()
}

/// `work` compiled for AVX-512.
///
/// # Safety
/// The processor has AVX-512F, BW, VL and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2,fma")]
#[allow(
    unsafe_code,
    reason = "a function compiled for instructions the baseline processor lacks is unsafe to call"
)]
unsafe fn on_avx512<R>(work: impl FnOnce() -> R) -> R {
    work()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_float_product_multiplies_and_accumulates() {
        // a = [[1, 2], [3, 4]], B = [[5, 6, 7], [8, 9, 10]] row by row.
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        let mut out = [0.0; 6];
        super::product(&a, 2, (&b, 3, 1, 3), &mut out, false);
        assert_eq!(out, [21.0, 24.0, 27.0, 47.0, 54.0, 61.0]);
        super::product(&a, 2, (&b, 3, 1, 3), &mut out, true);
        assert_eq!(out, [42.0, 48.0, 54.0, 94.0, 108.0, 122.0]);
        // The same B read transposed: entry (i, j) at b[i + j * 2].
        let bt = [5.0, 8.0, 6.0, 9.0, 7.0, 10.0];
        super::product(&a, 2, (&bt, 1, 2, 3), &mut out, false);
        assert_eq!(out, [21.0, 24.0, 27.0, 47.0, 54.0, 61.0]);
    }

    #[test]
    #[should_panic(expected = "matrix sizes do not fit")]
    fn the_float_product_refuses_sizes_that_do_not_fit() {
        let mut out = [0.0; 4];
        super::product(&[1.0; 4], 2, (&[1.0; 3], 2, 1, 2), &mut out, false);
    }

    #[test]
    fn widest_runs_the_work_once() {
        let mut runs = 0;
        let sum = super::widest(
            #[inline(always)]
            || {
                runs += 1;
                (1..=10i16).map(f32::from).sum::<f32>()
            },
        );
        assert_eq!((sum, runs), (55.0, 1));
    }
}
