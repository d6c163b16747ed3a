namespace FapiHub.Application.Abstractions.Accounts;

/// <summary>
/// The account store could not answer (Redis down or timing out). Callers fail closed: no unmetered work is done
/// and nothing is charged; the edge answers 503 <c>service_unavailable</c>.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
