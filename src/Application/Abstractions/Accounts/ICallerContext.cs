namespace FapiHub.Application.Abstractions.Accounts;

/// <summary>
/// The authenticated caller of the current request (implemented by the HTTP edge). Chargeable commands are billed
/// to <see cref="AccountId"/>.
/// </summary>
public interface ICallerContext
{
    /// <summary>The caller's account id; <c>null</c> when the request is not authenticated.</summary>
    string? AccountId { get; }

    /// <summary>The caller's plan, as loaded when the key was authenticated for this request.</summary>
    string? Plan { get; }
}
