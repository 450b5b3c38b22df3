//! GPU runtime behaviour: limits, typed errors, device loss and re-creation.
#![cfg(feature = "gpu")]

mod gpu_common;

use atlas_engine::gpu::{buffers, GpuError, GpuWeights};
use atlas_engine::quant::GgmlType;
use gpu_common::context;

#[test]
fn gpu_device_uses_adapter_limits_and_names_the_limit_it_exceeds() {
    let Some(ctx) = context("gpu_device_uses_adapter_limits_and_names_the_limit_it_exceeds") else {
        return;
    };
    let max = ctx.max_binding();
    assert!(
        max >= 128 << 20,
        "binding limit {max} below the WebGPU default"
    );
    let err = ctx
        .check_binding("a huge tensor", max + 1)
        .expect_err("one byte over the limit must fail");
    match err {
        GpuError::LimitExceeded {
            limit,
            needed,
            allowed,
            ..
        } => {
            assert_eq!(limit, "max_storage_buffer_binding_size");
            assert_eq!(needed, max + 1);
            assert_eq!(allowed, max);
        }
        other => panic!("wrong error {other:?}"),
    }
    // A row group wider than a chunk can hold cannot be split; the error names the cap that
    // was too small, the caller's here, not the device's.
    let row = GpuWeights::row_bytes(GgmlType::Q8_0, 64) as usize;
    let bytes = vec![0u8; row * 3];
    let err = GpuWeights::upload_chunked(&ctx, "w", GgmlType::Q8_0, 3, 64, &bytes, 16)
        .expect_err("a 16-byte chunk cannot hold a row");
    match &err {
        GpuError::LimitExceeded {
            limit,
            needed,
            allowed,
            ..
        } => {
            assert_eq!(*limit, atlas_engine::gpu::CHUNK_CAP);
            assert_eq!(*allowed, 16);
            assert!(*needed > 16, "{err}");
        }
        other => panic!("wrong error {other:?}"),
    }
    assert!(err.to_string().contains("chunk size cap of 16"), "{err}");
}

#[test]
fn gpu_lost_device_is_an_error_and_the_engine_can_be_created_again() {
    let Some(ctx) = context("gpu_lost_device_is_an_error_and_the_engine_can_be_created_again")
    else {
        return;
    };
    assert!(ctx.check().is_ok());
    ctx.destroy();
    assert!(ctx.is_lost());
    let err = pollster::block_on(atlas_engine::ops::gelu::kernel(&ctx))
        .expect_err("a lost device must not compile kernels");
    assert!(matches!(err, GpuError::DeviceLost(_)), "{err:?}");
    drop(ctx);
    let again = context("recreated").expect("a new context after device loss");
    let b = buffers::storage_f32(&again, "x", &[1.0, 2.0, 3.0]).expect("buffer");
    let got = pollster::block_on(atlas_engine::gpu::readback::read_f32(&again, &b, 0, 3))
        .expect("readback");
    assert_eq!(got, vec![1.0, 2.0, 3.0]);
}
