//! slovnet's Russian morphology model over the same network.

use super::*;

/// slovnet's Russian morphology model: a part of speech and grammatical
/// features per token ("NOUN|Animacy=Anim|Case=Gen|Gender=Masc|Number=Sing").
pub struct MorphModel {
    pub(super) network: Network,
    pub(super) tags: Vec<String>,
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

    pub(super) fn tag_all(&self, words: &[&str]) -> Vec<&str> {
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
