//! Device creation within the adapter's own limits, device-loss and error tracking.

use std::sync::{Arc, Mutex};

use super::GpuError;

/// What the engine reports about the adapter it runs on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AdapterSummary {
    /// Adapter name, e.g. `llvmpipe (LLVM 19.1.7, 256 bits)`.
    pub name: String,
    /// Backend, e.g. `Vulkan` or `BrowserWebGpu`.
    pub backend: String,
    /// Device type, e.g. `Cpu` or `DiscreteGpu`: `Cpu` also for a software rasterizer the
    /// adapter does not flag as one (see [`is_software_rasterizer`]), since the kernels' layout
    /// for CPU adapters depends on it.
    pub device_type: String,
    /// Driver name and version as reported by the adapter.
    pub driver: String,
    /// The largest storage-buffer binding the device accepts, in bytes.
    pub max_storage_buffer_binding_size: u64,
    /// The largest buffer the device accepts, in bytes.
    pub max_buffer_size: u64,
}

impl AdapterSummary {
    /// Whether this is a CPU device (a software rasterizer included): the kernels take their
    /// CPU layouts (many rows a thread, small workgroups) there.
    pub fn is_cpu(&self) -> bool {
        self.device_type == "Cpu"
    }

    /// Whether this is SwiftShader (Chromium's software WebGPU device included), whose JIT
    /// favours some kernel variants over lavapipe's.
    pub fn is_swiftshader(&self) -> bool {
        format!("{} {}", self.name, self.driver)
            .to_lowercase()
            .contains("swiftshader")
    }
}

/// Whether an adapter's name or driver names a software rasterizer (lavapipe/llvmpipe,
/// SwiftShader, softpipe, Microsoft's WARP). In the browser wgpu reports a CPU device only for
/// a fallback adapter, and a software one is not always flagged as such.
pub fn is_software_rasterizer(name: &str, driver: &str) -> bool {
    const NAMES: [&str; 5] = [
        "llvmpipe",
        "lavapipe",
        "swiftshader",
        "softpipe",
        "microsoft basic render driver",
    ];
    let text = format!("{name} {driver}").to_lowercase();
    NAMES.iter().any(|n| text.contains(n))
}

/// The browser's own description of its WebGPU adapter, "vendor · architecture · description"
/// with the empty parts left out (e.g. "google · swiftshader"), from a second
/// `navigator.gpu.requestAdapter()` with the options wgpu used; `None` where there is none.
#[cfg(target_arch = "wasm32")]
async fn browser_adapter_name() -> Option<String> {
    use wasm_bindgen::{JsCast, JsValue};
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).ok();
    let gpu = get(&get(&js_sys::global(), "navigator")?, "gpu")?;
    let request: js_sys::Function = get(&gpu, "requestAdapter")?.dyn_into().ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(
        &options,
        &JsValue::from_str("powerPreference"),
        &JsValue::from_str("high-performance"),
    )
    .ok()?;
    let promise: js_sys::Promise = request.call1(&gpu, &options).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = get(&adapter, "info")?;
    let parts: Vec<String> = ["vendor", "architecture", "description"]
        .iter()
        .filter_map(|k| get(&info, k)?.as_string())
        .filter(|s| !s.trim().is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Failure state shared with wgpu's callbacks.
#[derive(Default)]
struct Health {
    lost: Option<String>,
    error: Option<String>,
}

/// A wgpu device and queue, created within the adapter's limits.
///
/// A lost device or an uncaptured wgpu error is recorded and surfaces as a [`GpuError`] from
/// [`GpuContext::check`] (which every op entry point calls); drop the context and create a new
/// one to recover.
pub struct GpuContext {
    /// The wgpu device.
    pub device: wgpu::Device,
    /// The device's queue.
    pub queue: wgpu::Queue,
    summary: AdapterSummary,
    limits: wgpu::Limits,
    health: Arc<Mutex<Health>>,
    weight_store: WeightStore,
    tuning: Tuning,
}

/// Which family of kernel layouts a context compiles: chosen per adapter when the context is
/// created ([`Tuning::for_adapter`]). The two families compute the same values; they differ in
/// how work is spread over threads, which decides their speed on each kind of device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tuning {
    /// For GPUs: several lanes a matrix row with a workgroup reduction, 256-thread attention
    /// split over the context (split-K), inputs read from storage buffers.
    Gpu,
    /// For CPU adapters (lavapipe, SwiftShader): many rows a thread and no reduction, small
    /// workgroups, paired-head attention, decode inputs read as uniform arrays.
    Cpu,
}

impl Tuning {
    /// The tuning for `adapter`: `ATLAS_TUNING` = `gpu` or `cpu` overrides; otherwise
    /// [`Tuning::Cpu`] on CPU adapters, [`Tuning::Gpu`] elsewhere.
    pub fn for_adapter(adapter: &AdapterSummary) -> Self {
        Self::choose(adapter, std::env::var("ATLAS_TUNING").ok().as_deref())
    }

    /// The tuning's name as `ATLAS_TUNING` and benchmark results spell it: `gpu` or `cpu`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gpu => "gpu",
            Self::Cpu => "cpu",
        }
    }

    /// [`Tuning::for_adapter`] with the override given (`gpu`, `cpu`; anything else is
    /// ignored).
    pub fn choose(adapter: &AdapterSummary, env: Option<&str>) -> Self {
        match env {
            Some("gpu") => Self::Gpu,
            Some("cpu") => Self::Cpu,
            _ if adapter.is_cpu() => Self::Cpu,
            _ => Self::Gpu,
        }
    }
}

/// Where weight matrices live on the device, and so how the mat-vec kernels read them: chosen
/// per adapter when the context is created ([`WeightStore::for_adapter`]); weights uploaded and
/// kernels compiled on a context follow its choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightStore {
    /// Storage buffers (`array<u32>`, `array<vec4<u32>>`).
    Buffer,
    /// `rgba32uint` textures read with `textureLoad`, 16 bytes a texel, row-major in
    /// [`crate::gpu::buffers::TEXTURE_WIDTH`]-texel rows. SwiftShader loads a storage buffer
    /// lane by lane, four bytes at a time, but a texel whole: it reads textures about 1.8 times
    /// as fast.
    Texture,
}

impl WeightStore {
    /// The store for `adapter`: `ATLAS_WEIGHTS` = `buffer` or `texture` overrides; otherwise
    /// textures on SwiftShader, buffers elsewhere.
    pub fn for_adapter(adapter: &AdapterSummary) -> Self {
        Self::choose(adapter, std::env::var("ATLAS_WEIGHTS").ok().as_deref())
    }

    /// [`WeightStore::for_adapter`] with the override given (`buffer`, `texture`; anything
    /// else is ignored).
    pub fn choose(adapter: &AdapterSummary, env: Option<&str>) -> Self {
        match env {
            Some("buffer") => Self::Buffer,
            Some("texture") => Self::Texture,
            _ if adapter.is_swiftshader() => Self::Texture,
            _ => Self::Buffer,
        }
    }
}

impl std::fmt::Debug for GpuContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuContext")
            .field("adapter", &self.summary)
            .finish()
    }
}

impl GpuContext {
    /// Finds an adapter (high-performance preferred; `WGPU_BACKEND` and friends are honoured
    /// natively) and creates a device that asks for the adapter's own storage-buffer and buffer
    /// size limits, never more.
    pub async fn new() -> Result<Self, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: false,
                compatible_surface: None,
                apply_limit_buckets: false,
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let info = adapter.get_info();
        let have = adapter.limits();
        // WebGPU defaults everywhere, except for the sizes that decide which models fit: those
        // are the adapter's own.
        let defaults = wgpu::Limits::default();
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: have.max_storage_buffer_binding_size,
            max_buffer_size: have.max_buffer_size,
            max_storage_buffers_per_shader_stage: have
                .max_storage_buffers_per_shader_stage
                .min(defaults.max_storage_buffers_per_shader_stage.max(8)),
            ..defaults
        }
        .using_resolution(have.clone());
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("atlas-engine"),
                // 64-bit integers where the adapter has them (natively; WebGPU has none): the
                // read-bandwidth probe's fastest pattern on lavapipe needs them.
                required_features: adapter.features() & wgpu::Features::SHADER_INT64,
                required_limits: limits.clone(),
                experimental_features: wgpu::ExperimentalFeatures::disabled(),
                memory_hints: wgpu::MemoryHints::Performance,
                trace: wgpu::Trace::Off,
            })
            .await
            .map_err(|e| GpuError::RequestDevice(e.to_string()))?;
        let health = Arc::new(Mutex::new(Health::default()));
        {
            let health = Arc::clone(&health);
            device.set_device_lost_callback(move |reason, message| {
                if let Ok(mut h) = health.lock() {
                    h.lost = Some(format!("{reason:?}: {message}"));
                }
            });
        }
        {
            let health = Arc::clone(&health);
            device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
                if let Ok(mut h) = health.lock() {
                    if h.error.is_none() {
                        h.error = Some(error.to_string());
                    }
                }
            }));
        }
        // wgpu in a browser names the adapter by `GPUAdapterInfo.description`, which browsers
        // often leave empty (Chromium's SwiftShader does): read the vendor and architecture too,
        // so a software device is known as one and its kernels and weight store are chosen for it.
        #[cfg(target_arch = "wasm32")]
        let name = if info.name.trim().is_empty() {
            browser_adapter_name().await.unwrap_or_default()
        } else {
            info.name.clone()
        };
        #[cfg(not(target_arch = "wasm32"))]
        let name = info.name.clone();
        let summary = AdapterSummary {
            name: name.clone(),
            backend: format!("{:?}", info.backend),
            device_type: if is_software_rasterizer(&name, &info.driver) {
                "Cpu".to_string()
            } else {
                format!("{:?}", info.device_type)
            },
            driver: format!("{} {}", info.driver, info.driver_info)
                .trim()
                .to_string(),
            max_storage_buffer_binding_size: limits.max_storage_buffer_binding_size,
            max_buffer_size: limits.max_buffer_size,
        };
        Ok(Self {
            device,
            queue,
            weight_store: WeightStore::for_adapter(&summary),
            tuning: Tuning::for_adapter(&summary),
            summary,
            limits,
            health,
        })
    }

    /// The adapter this context runs on.
    pub fn adapter(&self) -> &AdapterSummary {
        &self.summary
    }

    /// Where weights uploaded on this context live (see [`WeightStore`]).
    pub fn weight_store(&self) -> WeightStore {
        self.weight_store
    }

    /// Makes weights uploaded and mat-vec kernels compiled from now on use `store` (tests and
    /// benchmarks compare the two; weights already uploaded keep theirs).
    pub fn set_weight_store(&mut self, store: WeightStore) {
        self.weight_store = store;
    }

    /// Which kernel layouts this context compiles (see [`Tuning`]).
    pub fn tuning(&self) -> Tuning {
        self.tuning
    }

    /// Whether kernels compiled on this context take their CPU-adapter layouts.
    pub fn cpu_tuned(&self) -> bool {
        self.tuning == Tuning::Cpu
    }

    /// Makes kernels compiled and models loaded from now on use `tuning`: the tests run the
    /// GPU layouts, which users' GPUs take, on the software devices here.
    pub fn set_tuning(&mut self, tuning: Tuning) {
        self.tuning = tuning;
    }

    /// The limits the device was created with.
    pub fn limits(&self) -> &wgpu::Limits {
        &self.limits
    }

    /// Whether shaders may use 64-bit integers (`u64`, `i64`): native adapters that have them.
    pub fn has_int64(&self) -> bool {
        self.device
            .features()
            .contains(wgpu::Features::SHADER_INT64)
    }

    /// The largest storage-buffer binding, in bytes.
    pub fn max_binding(&self) -> u64 {
        self.limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size)
    }

    /// Returns an error if the device was lost or wgpu reported an uncaptured error since the
    /// last call (the error is reported once; a lost device stays lost).
    pub fn check(&self) -> Result<(), GpuError> {
        let mut h = self
            .health
            .lock()
            .map_err(|_| GpuError::DeviceLost("device state poisoned".into()))?;
        if let Some(lost) = &h.lost {
            return Err(GpuError::DeviceLost(lost.clone()));
        }
        if let Some(error) = h.error.take() {
            return Err(GpuError::Wgpu(error));
        }
        Ok(())
    }

    /// Whether the device was lost.
    pub fn is_lost(&self) -> bool {
        self.health.lock().map(|h| h.lost.is_some()).unwrap_or(true)
    }

    /// Destroys the device (as a driver reset would); later calls fail with
    /// [`GpuError::DeviceLost`]. Used to test recovery.
    pub fn destroy(&self) {
        self.device.destroy();
        // Native wgpu reports the loss on the next poll; make it visible right away.
        let _ = self.device.poll(wgpu::PollType::Poll);
        if let Ok(mut h) = self.health.lock() {
            if h.lost.is_none() {
                h.lost = Some("device destroyed".into());
            }
        }
    }

    /// Fails with [`GpuError::LimitExceeded`] when one binding of `bytes` would not fit.
    pub fn check_binding(&self, what: &str, bytes: u64) -> Result<(), GpuError> {
        let allowed = self.limits.max_storage_buffer_binding_size;
        if bytes > allowed {
            return Err(GpuError::LimitExceeded {
                what: what.to_string(),
                limit: "max_storage_buffer_binding_size",
                needed: bytes,
                allowed,
            });
        }
        if bytes > self.limits.max_buffer_size {
            return Err(GpuError::LimitExceeded {
                what: what.to_string(),
                limit: "max_buffer_size",
                needed: bytes,
                allowed: self.limits.max_buffer_size,
            });
        }
        Ok(())
    }

    /// Submits command buffers, then reports device loss or errors seen so far.
    pub fn submit(
        &self,
        commands: impl IntoIterator<Item = wgpu::CommandBuffer>,
    ) -> Result<wgpu::SubmissionIndex, GpuError> {
        self.check()?;
        let index = self.queue.submit(commands);
        self.check()?;
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_software_rasterizer, AdapterSummary, Tuning, WeightStore};

    #[test]
    fn weights_go_in_textures_on_swiftshader_only_unless_overridden() {
        let summary = |name: &str| AdapterSummary {
            name: name.into(),
            backend: "Vulkan".into(),
            device_type: "Cpu".into(),
            driver: String::new(),
            max_storage_buffer_binding_size: 1 << 27,
            max_buffer_size: 1 << 30,
        };
        let swiftshader = summary("google \u{b7} swiftshader");
        let lavapipe = summary("llvmpipe (LLVM 15.0.6, 256 bits)");
        let gpu = summary("NVIDIA GeForce RTX 4090");
        assert_eq!(
            WeightStore::choose(&swiftshader, None),
            WeightStore::Texture
        );
        assert_eq!(WeightStore::choose(&lavapipe, None), WeightStore::Buffer);
        assert_eq!(WeightStore::choose(&gpu, None), WeightStore::Buffer);
        assert_eq!(
            WeightStore::choose(&swiftshader, Some("buffer")),
            WeightStore::Buffer
        );
        assert_eq!(
            WeightStore::choose(&lavapipe, Some("texture")),
            WeightStore::Texture
        );
        assert_eq!(
            WeightStore::choose(&lavapipe, Some("textures?")),
            WeightStore::Buffer,
            "an unknown override is ignored"
        );
    }

    #[test]
    fn cpu_adapters_take_the_cpu_layouts_unless_overridden() {
        let summary = |name: &str, device_type: &str| AdapterSummary {
            name: name.into(),
            backend: "Vulkan".into(),
            device_type: device_type.into(),
            driver: String::new(),
            max_storage_buffer_binding_size: 1 << 27,
            max_buffer_size: 1 << 30,
        };
        let lavapipe = summary("llvmpipe (LLVM 15.0.6, 256 bits)", "Cpu");
        let gpu = summary("NVIDIA GeForce RTX 4090", "DiscreteGpu");
        assert_eq!(Tuning::choose(&lavapipe, None), Tuning::Cpu);
        assert_eq!(Tuning::choose(&gpu, None), Tuning::Gpu);
        assert_eq!(Tuning::choose(&lavapipe, Some("gpu")), Tuning::Gpu);
        assert_eq!(Tuning::choose(&gpu, Some("cpu")), Tuning::Cpu);
        for t in [Tuning::Gpu, Tuning::Cpu] {
            assert_eq!(
                Tuning::choose(&lavapipe, Some(t.name())),
                t,
                "{t:?} by its name"
            );
        }
        assert_eq!(
            Tuning::choose(&lavapipe, Some("GPU")),
            Tuning::Cpu,
            "an unknown override is ignored"
        );
    }

    #[test]
    fn swiftshader_recognised_by_name_or_driver() {
        let summary = |name: &str, driver: &str| AdapterSummary {
            name: name.into(),
            backend: "Vulkan".into(),
            device_type: "Cpu".into(),
            driver: driver.into(),
            max_storage_buffer_binding_size: 1 << 27,
            max_buffer_size: 1 << 30,
        };
        assert!(summary("SwiftShader Device (Subzero)", "").is_swiftshader());
        assert!(summary("", "SwiftShader driver").is_swiftshader());
        assert!(!summary("llvmpipe (LLVM 15.0.6, 256 bits)", "llvmpipe").is_swiftshader());
    }

    #[test]
    fn software_rasterizers_recognised_by_name() {
        for (name, driver) in [
            ("llvmpipe (LLVM 15.0.6, 256 bits)", "llvmpipe"),
            ("SwiftShader Device (Subzero)", ""),
            ("google \u{b7} swiftshader", ""),
            ("Microsoft Basic Render Driver", ""),
            ("", "Mesa lavapipe"),
        ] {
            assert!(is_software_rasterizer(name, driver), "{name} / {driver}");
        }
        for (name, driver) in [
            ("NVIDIA GeForce RTX 4090", "NVIDIA 550.54"),
            ("Apple M2", ""),
            ("AMD Radeon Graphics (RADV RENOIR)", "radv Mesa 24.0"),
            ("", ""),
        ] {
            assert!(!is_software_rasterizer(name, driver), "{name} / {driver}");
        }
    }
}
