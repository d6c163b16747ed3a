using FapiHub.Domain.Accounts;

namespace FapiHub.Application.Accounts;

/// <summary>An API key as the admin API shows it: never the key itself.</summary>
public sealed record ApiKeySummary(string Id, string Name, string Plan, long Credits, bool Revoked, DateTimeOffset CreatedAt)
{
    public static ApiKeySummary From(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Id, account.Name, account.Plan, account.Credits, account.Revoked, account.CreatedAt);
    }
}
