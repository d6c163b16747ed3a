using BenchmarkDotNet.Attributes;
using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;
using FapiHub.Infrastructure.BackgroundRemoval.Onnx;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;

namespace FapiHub.Benchmarks;

/// <summary>
/// Each stage the server runs around the model, on synthetic photos of 1, 4, 12 and 25 MP (4:3, JPEG quality 90).
/// Short runs: a 25 MP PNG encode takes seconds, and the point is the growth curve and the ratio to inference.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class StageBenchmarks
{
    private const int ModelSide = 1024;

    private readonly SkiaImageProcessor _processor = new(Options.Create(new ImagingOptions()), Options.Create(new LimitsOptions { MaxPixels = 30_000_000 }));
    private byte[] _jpeg = [];
    private RgbaImage _photo = null!;
    private AlphaMask _mask = null!;
    private float[] _matte = [];
    private readonly float[] _tensor = new float[3 * ModelSide * ModelSide];
    private readonly byte[] _resized = new byte[4 * ModelSide * ModelSide];

    [Params(1, 4, 12, 25)]
    public int Megapixels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (width, height) = SyntheticPhoto.Size(Megapixels);
        _jpeg = SyntheticPhoto.Jpeg(width, height);
        _photo = _processor.Decode(_jpeg).Value;
        _matte = SyntheticPhoto.Matte(ModelSide);
        _mask = new AlphaMask(width, height);
        MaskResampler.ResizeToBytes(_matte, ModelSide, ModelSide, _mask.Span, width, height);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _photo.Dispose();
        _mask.Dispose();
    }

    [Benchmark(Description = "decode JPEG")]
    public void Decode()
    {
        using var image = _processor.Decode(_jpeg).Value;
    }

    [Benchmark(Description = "resize to 1024² + tensor fill")]
    public void ResizeAndFill()
    {
        SkiaResampler.Resize(_photo, _resized, ModelSide, ModelSide);
        TensorLayout.FillNchw(_resized, ModelSide * ModelSide, [128f, 128f, 128f], [256f, 256f, 256f], _tensor);
    }

    [Benchmark(Description = "upsample matte (bilinear)")]
    public void UpsampleBilinear() =>
        MaskResampler.ResizeToBytes(_matte, ModelSide, ModelSide, _mask.Span, _photo.Width, _photo.Height);

    [Benchmark(Description = "upsample matte (aurora: colour guided filter + decontamination)")]
    public void UpsampleEdgeAware()
    {
        // As the remover and the handler do: the refinement's colour grid is handed to the decontamination.
        var grid = WorkingGrid.Create(_photo, color: true);
        using var decontamination = new ForegroundEstimator(grid);
        EdgeAwareUpsampler.Apply(grid, _photo, _matte, ModelSide, ModelSide, new EdgeAwareSettings(true, 2, 1e-4f, 0.05f), _mask);
        decontamination.ApplyInPlace(_photo, _mask);
    }

    [Benchmark(Description = "composite: colour background")]
    public void ComposeColour()
    {
        using var composed = Compositor.OverBackground(_photo, _mask, new ColorEffect(new Rgba(255, 140, 0)));
    }

    [Benchmark(Description = "encode cut-out PNG")]
    public int EncodePng()
    {
        using var png = _processor.Encode(_photo, OutputOptions.Default);
        return png.Length;
    }
}
