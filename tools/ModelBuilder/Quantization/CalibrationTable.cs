// stub: replaced by the quantiser branch
namespace FapiHub.ModelBuilder.Quantization;

/// <summary>Per-tensor activation ranges for static quantisation, read from a committed JSON table.</summary>
public sealed class CalibrationTable
{
    public static CalibrationTable Load(string path) =>
        File.Exists(path) ? new CalibrationTable() : throw new FileNotFoundException($"calibration table {path} not found", path);
}
