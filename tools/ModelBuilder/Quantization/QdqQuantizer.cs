// stub: replaced by the quantiser branch
using Onnx;

namespace FapiHub.ModelBuilder.Quantization;

/// <summary>Knobs of the static int8 QDQ pass (filled in by the quantiser branch).</summary>
public sealed record QuantizerOptions;

/// <summary>Static int8 QDQ quantisation of an fp32 graph from a calibration table (the quantiser branch's seam).</summary>
public static class QdqQuantizer
{
    public static ModelProto Quantize(ModelProto fp32, CalibrationTable table, QuantizerOptions options) =>
        throw new NotSupportedException(
            "int8 recipes need the QDQ quantiser (tools/ModelBuilder/Quantization), which is not in this build yet; use fp16 or fp32.");
}
