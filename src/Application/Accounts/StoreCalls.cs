using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;

namespace FapiHub.Application.Accounts;

/// <summary>Runs a store call and turns an unreachable store into the 503 value, so account handlers stay linear.</summary>
internal static class StoreCalls
{
    public static async ValueTask<Result<T>> Run<T>(Func<ValueTask<Result<T>>> call)
    {
        try
        {
            return await call();
        }
        catch (StoreUnavailableException)
        {
            return Errors.Accounts.StoreUnavailable;
        }
    }
}
