namespace FapiHub.Domain.Common;

/// <summary>What every result type exposes, so pipeline code can inspect an outcome without knowing its value type.</summary>
public interface IResult
{
    bool IsSuccess { get; }

    /// <summary>The failure; <c>null</c> on success.</summary>
    Error? Error { get; }
}

/// <summary>
/// Lets generic pipeline code (validation, charging) build a failed response of the handler's own type
/// without reflection, through a static abstract factory.
/// </summary>
public interface IFailureFactory<out TSelf>
    where TSelf : IFailureFactory<TSelf>
{
    static abstract TSelf Failure(Error error);
}

/// <summary>A value or an <see cref="Common.Error"/>, never both.</summary>
public sealed class Result<T> : IResult, IFailureFactory<Result<T>>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public bool IsSuccess => Error is null;

    public Error? Error { get; }

    /// <summary>The value of a successful result; reading it from a failure is a programming error.</summary>
    public T Value => IsSuccess
        ? _value!
        : throw new InvalidOperationException($"A failed result has no value (error '{Error!.Code}').");

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Error error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

#pragma warning disable CA2225 // The named factories above are the alternates.
    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Error error) => Failure(error);
#pragma warning restore CA2225
}
