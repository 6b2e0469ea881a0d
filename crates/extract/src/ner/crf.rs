//! The CRF over the tags, decoded by Viterbi.

/// The best path of tags through `n` tokens' `emissions` (`n × tags`)
/// under the CRF's `transitions` (`tags × tags`, from → to).
pub(super) fn viterbi(transitions: &[f32], tags: usize, emissions: &[f32], n: usize) -> Vec<usize> {
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
