//! What a model directory declares: `config.json` (the BERT shape), and the
//! sentence-transformers files beside it (`sentence_bert_config.json` for the sequence
//! length, `1_Pooling/config.json` for the pooling mode).

use ligero_abi::{KernelError, KernelResult, Status};
use serde_json::Value;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    Mean,
    Cls,
}

#[derive(Clone, Debug)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    pub type_vocab_size: usize,
    pub layer_norm_eps: f32,
    /// Tokens per sequence, special tokens included (sentence-transformers' max_seq_length).
    pub max_len: usize,
    pub pooling: Pooling,
}

pub fn read_json(path: &Path) -> KernelResult<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| KernelError::new(Status::NotFound, format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| KernelError::new(Status::Damaged, format!("{}: {e}", path.display())))
}

impl BertConfig {
    pub fn load(dir: &Path) -> KernelResult<Self> {
        let json = read_json(&dir.join("config.json"))?;
        let model_type = json["model_type"].as_str().unwrap_or("");
        if !matches!(model_type, "bert" | "") || json["hidden_act"] != "gelu" {
            return Err(KernelError::new(
                Status::Unsupported,
                format!("config.json: a BERT encoder with gelu is needed, got {model_type}"),
            ));
        }
        let size = |key: &str| -> KernelResult<usize> {
            json[key]
                .as_u64()
                .map(|v| v as usize)
                .filter(|&v| v > 0)
                .ok_or_else(|| {
                    KernelError::new(Status::Damaged, format!("config.json: {key} missing"))
                })
        };
        let mut cfg = Self {
            vocab_size: size("vocab_size")?,
            hidden_size: size("hidden_size")?,
            num_hidden_layers: size("num_hidden_layers")?,
            num_attention_heads: size("num_attention_heads")?,
            intermediate_size: size("intermediate_size")?,
            max_position_embeddings: size("max_position_embeddings")?,
            type_vocab_size: size("type_vocab_size")?,
            layer_norm_eps: json["layer_norm_eps"].as_f64().unwrap_or(1e-12) as f32,
            max_len: 0,
            pooling: Pooling::Mean,
        };
        cfg.max_len = read_json(&dir.join("sentence_bert_config.json"))
            .ok()
            .and_then(|v| v["max_seq_length"].as_u64())
            .map_or(cfg.max_position_embeddings, |v| v as usize)
            .min(cfg.max_position_embeddings);
        if let Ok(pooling) = read_json(&dir.join("1_Pooling/config.json")) {
            if pooling["pooling_mode_cls_token"] == true {
                cfg.pooling = Pooling::Cls;
            }
        }
        // the packed GEMM works on panels of 32 columns
        let fits = cfg.hidden_size.is_multiple_of(32)
            && cfg.intermediate_size.is_multiple_of(32)
            && cfg.hidden_size.is_multiple_of(cfg.num_attention_heads);
        if !fits {
            return Err(KernelError::new(
                Status::Unsupported,
                "config.json: hidden_size and intermediate_size must be multiples of 32",
            ));
        }
        Ok(cfg)
    }
}
