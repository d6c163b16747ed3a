using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>Reading and rewriting TensorProto payloads, which ONNX lets live either in raw_data (little-endian) or
/// in the typed repeated fields; both forms are read, and rewritten values keep the form they had.</summary>
internal static class Tensors
{
    public static long[] ReadInt64s(TensorProto tensor)
    {
        if ((TensorProto.Types.DataType)tensor.DataType != TensorProto.Types.DataType.Int64)
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe, $"tensor '{tensor.Name}' is {(TensorProto.Types.DataType)tensor.DataType}, expected Int64");
        }

        if (tensor.RawData.IsEmpty)
        {
            return [.. tensor.Int64Data];
        }

        var raw = tensor.RawData.Span;
        var values = new long[raw.Length / sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * sizeof(long))..]);
        }

        return values;
    }

    public static void WriteInt64s(TensorProto tensor, long[] values)
    {
        if (tensor.RawData.IsEmpty)
        {
            tensor.Int64Data.Clear();
            tensor.Int64Data.Add(values);
            return;
        }

        var raw = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        tensor.RawData = UnsafeByteOperations.UnsafeWrap(raw);
    }

    /// <summary>Widens a float16 tensor to float32 in place (raw_data out, whichever form came in). Widening is exact,
    /// so the fp32 graph computes with precisely the weights the fp16 graph had.</summary>
    public static void WidenToFloat(TensorProto tensor)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this builder assumes a little-endian CPU.");
        }

        float[] values;
        if (!tensor.RawData.IsEmpty)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(tensor.RawData.Span);
            values = new float[halves.Length];
            for (var i = 0; i < halves.Length; i++)
            {
                values[i] = (float)halves[i];
            }
        }
        else
        {
            // The typed form keeps each float16's bits in the low 16 bits of an int32.
            values = new float[tensor.Int32Data.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)BitConverter.UInt16BitsToHalf((ushort)tensor.Int32Data[i]);
            }
        }

        tensor.Int32Data.Clear();
        tensor.DataType = (int)TensorProto.Types.DataType.Float;
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }
}
