use super::writer::GgufBuilder;
use super::*;

fn q8_block(d: u16, first: i8) -> Vec<u8> {
    let mut b = d.to_le_bytes().to_vec();
    b.extend((0..32).map(|i| (first as i32 + i) as i8 as u8));
    b
}

/// A small file with one metadata value of every type and three tensors.
fn sample() -> Vec<u8> {
    let mut q8 = q8_block(0x3c00, -5); // d = 1.0
    q8.extend(q8_block(0x3800, 0)); // d = 0.5
    GgufBuilder::new()
        .kv("general.architecture", Value::String("test".into()))
        .kv("u8", Value::U8(200))
        .kv("i8", Value::I8(-3))
        .kv("u16", Value::U16(60000))
        .kv("i16", Value::I16(-30000))
        .kv("u32", Value::U32(4_000_000_000))
        .kv("i32", Value::I32(-7))
        .kv("f32", Value::F32(1.5))
        .kv("bool", Value::Bool(true))
        .kv("u64", Value::U64(1 << 40))
        .kv("i64", Value::I64(-(1 << 40)))
        .kv("f64", Value::F64(-2.25))
        .kv(
            "strings",
            Value::Array(
                ValueType::String,
                vec![Value::String("a".into()), Value::String("▁é".into())],
            ),
        )
        .kv(
            "floats",
            Value::Array(ValueType::F32, vec![Value::F32(0.5), Value::F32(-1.0)]),
        )
        .kv("empty", Value::Array(ValueType::I32, vec![]))
        .tensor_f32("norm", &[3], &[1.0, 2.0, 3.0])
        .tensor("w", &[32, 2], GgmlType::Q8_0, q8)
        .tensor_f32("scalar", &[], &[7.0])
        .build()
}

#[test]
fn reads_every_value_type_and_tensor() {
    let bytes = sample();
    let f = GgufFile::parse(bytes.as_slice()).expect("parse");
    assert_eq!(f.version, 3);
    assert_eq!(f.alignment, 32);
    assert_eq!(f.data_offset % 32, 0);
    assert_eq!(f.get_str("general.architecture").unwrap(), "test");
    assert_eq!(f.get("u8"), Some(&Value::U8(200)));
    assert_eq!(f.get("i8"), Some(&Value::I8(-3)));
    assert_eq!(f.get("u16"), Some(&Value::U16(60000)));
    assert_eq!(f.get("i16"), Some(&Value::I16(-30000)));
    assert_eq!(f.get_u64("u32").unwrap(), 4_000_000_000);
    assert_eq!(f.get("i32"), Some(&Value::I32(-7)));
    assert_eq!(f.get_f32("f32").unwrap(), 1.5);
    assert_eq!(f.get_opt_bool("bool").unwrap(), Some(true));
    assert_eq!(f.get_opt_bool("nope").unwrap(), None);
    assert_eq!(f.get_u64("u64").unwrap(), 1 << 40);
    assert_eq!(f.get("i64").and_then(Value::as_i64), Some(-(1 << 40)));
    assert_eq!(f.get_f32("f64").unwrap(), -2.25);
    let s = f.get_array("strings").unwrap();
    assert_eq!(s[1].as_str(), Some("▁é"));
    assert_eq!(f.get_array("floats").unwrap()[1], Value::F32(-1.0));
    assert!(f.get_array("empty").unwrap().is_empty());
    assert!(matches!(f.get_u64("i32"), Err(GgufError::WrongType { .. })));
    assert!(matches!(f.get_str("u8"), Err(GgufError::WrongType { .. })));
    assert!(matches!(
        f.get_u64("missing"),
        Err(GgufError::MissingKey(_))
    ));

    assert_eq!(f.tensors.len(), 3);
    let w = f.tensor("w").unwrap();
    assert_eq!((w.row_len(), w.n_rows(), w.n_bytes), (32, 2, 68));
    let wv = f.tensor_f32(bytes.as_slice(), "w").unwrap();
    assert_eq!(wv[0], -5.0);
    assert_eq!(wv[31], 26.0);
    assert_eq!(wv[32], 0.0);
    assert_eq!(wv[63], 15.5);
    assert_eq!(
        f.tensor_f32(bytes.as_slice(), "norm").unwrap(),
        [1.0, 2.0, 3.0]
    );
    assert_eq!(f.tensor_f32(bytes.as_slice(), "scalar").unwrap(), [7.0]);
    assert!(f.tensor("scalar").unwrap().offset.is_multiple_of(32));
    assert!(matches!(
        f.tensor_f32(bytes.as_slice(), "nope"),
        Err(GgufError::MissingTensor(_))
    ));
}

#[test]
fn custom_alignment_and_version_2() {
    let mut bytes = GgufBuilder::new()
        .kv("general.alignment", Value::U32(64))
        .tensor_f32("a", &[1], &[1.0])
        .tensor_f32("b", &[2], &[2.0, 3.0])
        .build();
    let f = GgufFile::parse(bytes.as_slice()).unwrap();
    assert_eq!(f.alignment, 64);
    assert_eq!(f.data_offset % 64, 0);
    assert_eq!(f.tensor("b").unwrap().offset, 64);
    assert_eq!(f.tensor_f32(bytes.as_slice(), "b").unwrap(), [2.0, 3.0]);
    bytes[4] = 2;
    assert_eq!(GgufFile::parse(bytes.as_slice()).unwrap().version, 2);
}

#[test]
fn reads_from_parts_split_anywhere() {
    let bytes = sample();
    let whole = GgufFile::parse(bytes.as_slice()).unwrap();
    let want: Vec<Vec<f32>> = whole
        .tensors
        .iter()
        .map(|t| whole.tensor_f32(bytes.as_slice(), &t.name).unwrap())
        .collect();
    for cut in 0..=bytes.len() {
        let cut2 = (cut + 37).min(bytes.len());
        let parts = vec![&bytes[..cut], &bytes[cut..cut2], &bytes[cut2..]];
        let src = MultiSlice::new(parts);
        let f = GgufFile::parse(&src).unwrap_or_else(|e| panic!("cut {cut}: {e}"));
        assert_eq!(f.metadata, whole.metadata);
        for (t, w) in f.tensors.iter().zip(&want) {
            assert_eq!(&f.tensor_f32(&src, &t.name).unwrap(), w, "cut {cut}");
        }
    }
}

#[test]
fn every_truncation_is_a_clean_error() {
    let bytes = sample();
    let f = GgufFile::parse(bytes.as_slice()).unwrap();
    let data_end = f
        .tensors
        .iter()
        .map(|t| f.data_offset + t.offset + t.n_bytes)
        .max()
        .unwrap();
    for len in 0..bytes.len() {
        let r = GgufFile::parse(&bytes[..len]);
        if (len as u64) < data_end {
            let e = r.expect_err("truncated file parsed");
            assert!(!e.to_string().is_empty());
        } else {
            assert!(r.is_ok(), "only trailing padding was cut at {len}");
        }
    }
}

/// Parses, then reads every tensor; must never panic.
fn parse_and_read(bytes: &[u8]) -> Result<(), GgufError> {
    let f = GgufFile::parse(bytes)?;
    for t in &f.tensors {
        let _ = f.tensor_bytes(bytes, t)?;
        if t.ty.can_dequantize() {
            let _ = f.tensor_f32(bytes, &t.name)?;
        }
    }
    Ok(())
}

#[test]
fn flipped_bytes_never_panic() {
    let bytes = sample();
    let mut errors = 0;
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            if parse_and_read(&b).is_err() {
                errors += 1;
            }
        }
    }
    assert!(
        errors > 100,
        "corruption should usually be detected ({errors})"
    );
}

fn patch_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn huge_counts_are_rejected_without_allocating() {
    let base = GgufBuilder::new()
        .kv("k", Value::Array(ValueType::U8, vec![Value::U8(1)]))
        .tensor_f32("t", &[1], &[1.0])
        .build();
    for v in [u64::MAX, i64::MAX as u64, 1 << 40, 1 << 21] {
        let mut b = base.clone();
        patch_u64(&mut b, 8, v); // tensor count
        assert!(matches!(
            GgufFile::parse(b.as_slice()),
            Err(GgufError::At { .. })
        ));
        let mut b = base.clone();
        patch_u64(&mut b, 16, v); // kv count
        assert!(GgufFile::parse(b.as_slice()).is_err());
        let mut b = base.clone();
        patch_u64(&mut b, 24, v); // key length
        assert!(GgufFile::parse(b.as_slice()).is_err());
        let mut b = base.clone();
        // key (8 + 1) at 24, value type at 33, element type at 37, array length at 41
        patch_u64(&mut b, 41, v);
        let e = GgufFile::parse(b.as_slice()).unwrap_err();
        assert!(e.to_string().contains("array length"), "{e}");
    }
    // Negative count.
    let mut b = base.clone();
    patch_u64(&mut b, 8, (-1i64) as u64);
    let e = GgufFile::parse(b.as_slice()).unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    // A dimension so large that the byte size overflows, or the data runs past the end.
    let mut b = base.clone();
    // tensor info: after the kv (41 + 8 + 1 = 50): name len 8 + "t" (1) + n_dims 4 -> dim at 63
    patch_u64(&mut b, 63, 1 << 62);
    let e = GgufFile::parse(b.as_slice()).unwrap_err();
    assert!(matches!(e, GgufError::Tensor { .. }), "{e}");
    patch_u64(&mut b, 63, 1000);
    let e = GgufFile::parse(b.as_slice()).unwrap_err();
    assert!(e.to_string().contains("past the end"), "{e}");
}

#[test]
fn header_errors() {
    assert!(matches!(
        GgufFile::parse(b"GGML\x03\0\0\0".as_slice()),
        Err(GgufError::BadMagic(_))
    ));
    let mut b = GgufBuilder::new().build();
    b[4] = 1;
    assert!(matches!(
        GgufFile::parse(b.as_slice()),
        Err(GgufError::UnsupportedVersion(1))
    ));
    b[4..8].copy_from_slice(&3u32.to_be_bytes());
    assert!(matches!(
        GgufFile::parse(b.as_slice()),
        Err(GgufError::EndiannessMismatch(_))
    ));
    let dup = GgufBuilder::new()
        .kv("a", Value::U8(1))
        .kv("a", Value::U8(2))
        .build();
    assert!(matches!(
        GgufFile::parse(dup.as_slice()),
        Err(GgufError::DuplicateKey(_))
    ));
    let dup = GgufBuilder::new()
        .tensor_f32("a", &[1], &[0.0])
        .tensor_f32("a", &[1], &[0.0])
        .build();
    assert!(matches!(
        GgufFile::parse(dup.as_slice()),
        Err(GgufError::DuplicateTensor(_))
    ));
    for bad in [Value::U32(3), Value::U32(0), Value::U64(32)] {
        let b = GgufBuilder::new().kv("general.alignment", bad).build();
        assert!(matches!(
            GgufFile::parse(b.as_slice()),
            Err(GgufError::BadAlignment(_))
        ));
    }
    let empty_key = GgufBuilder::new().kv("", Value::U8(1)).build();
    assert!(GgufFile::parse(empty_key.as_slice()).is_err());
    // Unknown value type 13 and nested array (element type 9).
    let mut b = GgufBuilder::new().kv("k", Value::U32(0)).build();
    b[33..37].copy_from_slice(&13u32.to_le_bytes());
    assert!(GgufFile::parse(b.as_slice())
        .unwrap_err()
        .to_string()
        .contains("unknown metadata value type 13"));
    let mut b = GgufBuilder::new()
        .kv("k", Value::Array(ValueType::U8, vec![]))
        .build();
    b[37..41].copy_from_slice(&9u32.to_le_bytes());
    assert!(GgufFile::parse(b.as_slice())
        .unwrap_err()
        .to_string()
        .contains("nested"));
    // Invalid UTF-8 in a key.
    let mut b = GgufBuilder::new().kv("k", Value::U8(0)).build();
    b[32] = 0xff;
    assert!(GgufFile::parse(b.as_slice())
        .unwrap_err()
        .to_string()
        .contains("UTF-8"));
    // Unknown tensor type and a row length that is not a whole number of blocks.
    let q = GgufBuilder::new()
        .tensor("q", &[16], GgmlType::Q8_0, vec![0; 34])
        .build();
    assert!(GgufFile::parse(q.as_slice())
        .unwrap_err()
        .to_string()
        .contains("block size"));
    let mut u = GgufBuilder::new().tensor_f32("u", &[1], &[0.0]).build();
    // name at 24 (8 + 1), n_dims at 33, dim at 37, type at 45
    u[45..49].copy_from_slice(&99u32.to_le_bytes());
    assert!(GgufFile::parse(u.as_slice())
        .unwrap_err()
        .to_string()
        .contains("unknown type id 99"));
    // Misaligned tensor offset.
    let mut m = GgufBuilder::new().tensor_f32("u", &[1], &[0.0]).build();
    m[49..57].copy_from_slice(&4u64.to_le_bytes());
    assert!(GgufFile::parse(m.as_slice())
        .unwrap_err()
        .to_string()
        .contains("not aligned"));
}

/// A seeded stand-in for the cargo-fuzz target that runs in every `cargo test`: random
/// byte writes, u64 overwrites with extreme values, insertions and deletions.
#[test]
fn random_mutations_never_panic() {
    let base = sample();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..4000 {
        let mut b = base.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % b.len() as u64) as usize;
            match next() % 4 {
                0 => b[at] = next() as u8,
                1 if at + 8 <= b.len() => {
                    let v = [u64::MAX, 1 << 63, 1 << 32, 0, next()][(next() % 5) as usize];
                    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
                }
                2 => b.insert(at, next() as u8),
                _ => {
                    b.remove(at);
                }
            }
        }
        let _ = parse_and_read(&b);
        let cut = (next() % (b.len() as u64 + 1)) as usize;
        let parts = MultiSlice::new(vec![&b[..cut], &b[cut..]]);
        if let Ok(f) = GgufFile::parse(&parts) {
            for t in &f.tensors {
                let _ = f.tensor_f32(&parts, &t.name);
            }
        }
    }
}

mod properties {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<u8>().prop_map(Value::U8),
            any::<i8>().prop_map(Value::I8),
            any::<u16>().prop_map(Value::U16),
            any::<i16>().prop_map(Value::I16),
            any::<u32>().prop_map(Value::U32),
            any::<i32>().prop_map(Value::I32),
            (-1e30f32..1e30).prop_map(Value::F32),
            any::<bool>().prop_map(Value::Bool),
            "\\PC{0,12}".prop_map(Value::String),
            any::<u64>().prop_map(Value::U64),
            any::<i64>().prop_map(Value::I64),
            (-1e300f64..1e300).prop_map(Value::F64),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => scalar(),
            1 => vec(any::<i32>(), 0..8)
                .prop_map(|v| Value::Array(ValueType::I32, v.into_iter().map(Value::I32).collect())),
            1 => vec("\\PC{0,6}", 0..8).prop_map(|v| {
                Value::Array(ValueType::String, v.into_iter().map(Value::String).collect())
            }),
        ]
    }

    proptest! {
        /// Whatever the writer produces, the reader gives back, from one slice or three parts.
        #[test]
        fn metadata_and_tensors_round_trip(
            kvs in vec(("[a-z.]{1,10}", value()), 0..12),
            data in vec(-100f32..100.0, 1..40),
            cut in 0usize..2000,
        ) {
            let mut seen = std::collections::HashSet::new();
            let mut b = GgufBuilder::new();
            let mut want = Vec::new();
            for (k, v) in kvs {
                if k == "general.alignment" || !seen.insert(k.clone()) {
                    continue;
                }
                b = b.kv(&k, v.clone());
                want.push((k, v));
            }
            let bytes = b.tensor_f32("t", &[data.len() as u64], &data).build();
            let cut = cut.min(bytes.len());
            let parts = MultiSlice::new(vec![&bytes[..cut / 2], &bytes[cut / 2..cut], &bytes[cut..]]);
            for f in [GgufFile::parse(bytes.as_slice()), GgufFile::parse(&parts)] {
                let f = f.expect("parse");
                prop_assert_eq!(&f.metadata, &want);
                prop_assert_eq!(f.tensor_f32(&parts, "t").expect("tensor"), data.clone());
            }
        }
    }
}
