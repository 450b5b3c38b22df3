//! The LLM Atlas inference engine: GGUF parsing, quant formats, tokenizer and models.
