using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Mediator;
using Microsoft.Extensions.Logging;

namespace FapiHub.Application.Common.Behaviors;

/// <summary>
/// Charges chargeable commands exactly once, and only for success: reserve one unit atomically before the handler
/// (refusing with 429 quota / 402 credits), commit it when the handler succeeds and the client is still there, release
/// it when the handler fails, throws or is cancelled, or succeeds for a client that has gone. Runs after validation, so
/// a malformed request never even reserves. The receipt of a charge travels back in the successful response, for the
/// edge to report.
/// </summary>
internal sealed partial class CreditCheckBehavior<TMessage, TResponse>(
    ICallerContext caller,
    IUsageLedger ledger,
    PlanCatalog plans,
    TimeProvider clock,
    FapiHubMetrics metrics,
    ILogger<CreditCheckBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage, IChargeable<TResponse>
    where TResponse : IResult, IFailureFactory<TResponse>
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        // Fail closed: a chargeable command that reached us without a caller is a wiring bug, never free work.
        var accountId = caller.AccountId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} is chargeable but the request has no authenticated caller.");

        // The plan comes from this request's authentication (no second account read); the reservation itself
        // re-checks, atomically, that the account still exists and is not revoked. A store that cannot answer throws
        // StoreUnavailableException, which the edge maps to 503 (nothing was reserved, so nothing is owed).
        var resolved = plans.ForKey(caller.Plan);
        if (!resolved.IsSuccess)
        {
            return TResponse.Failure(resolved.Error!);
        }

        var plan = resolved.Value;
        var now = clock.GetUtcNow();
        var outcome = await ledger.ReserveAsync(accountId, BillingPeriod.Key(now), plan.MonthlyQuota, cancellationToken);
        switch (outcome.Status)
        {
            case ReservationStatus.Reserved:
                break;
            case ReservationStatus.QuotaExhausted:
                metrics.RateLimited("monthly_quota");
                return TResponse.Failure(DomainErrors.Accounts.QuotaExhausted(plan.MonthlyQuota ?? 0, BillingPeriod.NextReset(now), BillingPeriod.SecondsToReset(now)));
            case ReservationStatus.InsufficientCredits:
                return TResponse.Failure(DomainErrors.Accounts.InsufficientCredits);
            default:
                return TResponse.Failure(DomainErrors.Auth.InvalidApiKey);
        }

        var reservation = outcome.Reservation!;
        TResponse response;
        try
        {
            response = await next(message, cancellationToken);
        }
        catch
        {
            await Release(reservation);
            throw;
        }

        if (!response.IsSuccess)
        {
            await Release(reservation);
            return response;
        }

        // The one place a success turns into a charge, so the one place a gone client is noticed: the work may have
        // finished after the disconnect (rendering and encoding do not watch the token), and an image nobody receives
        // is not charged. From here to the response's first byte only the commit's round trip remains: a client that
        // leaves inside it is charged (docs/reliability.md, the charging rule).
        if (cancellationToken.IsCancellationRequested)
        {
            TMessage.Discard(response);
            await Release(reservation);
            LogClientGone(accountId);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return await Commit(reservation) is { } receipt ? TMessage.WithReceipt(response, receipt) : response;
    }

    /// <summary>
    /// Settles a successful request whose client was still there a moment ago. The ledger never fails a
    /// commit: if its store is unreachable now, the charge is queued and applied when the store is back, so the image
    /// is still charged exactly once (only the balance after it is unknown, so no remaining count is reported).
    /// Returns the receipt, or <c>null</c> when nothing was charged.
    /// </summary>
    private async ValueTask<ChargeReceipt?> Commit(Reservation reservation)
    {
        var settlement = await ledger.CommitAsync(reservation, CancellationToken.None);
        switch (settlement.Status)
        {
            case SettlementStatus.Charged:
                var usage = settlement.Usage!;
                metrics.Charged(credits: reservation.MonthlyQuota is null);
                return reservation.MonthlyQuota is { } quota
                    ? new ChargeReceipt(1, usage.QuotaRemaining(quota), null)
                    : new ChargeReceipt(1, null, usage.CreditsAvailable);
            case SettlementStatus.Deferred:
                metrics.Charged(credits: reservation.MonthlyQuota is null);
                LogDeferred(reservation.AccountId);
                return new ChargeReceipt(1, null, null);
            default:
                LogNotCharged(reservation.AccountId);
                return null;
        }
    }

    /// <summary>
    /// Drops the hold. Never throws for an unreachable store (the ledger queues the release) and runs even if the
    /// client has gone, so a failed request never keeps its unit.
    /// </summary>
    private ValueTask Release(Reservation reservation) => ledger.ReleaseAsync(reservation, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Information, Message = "The client of {AccountId} went away before its image was sent; not charged")]
    private partial void LogClientGone(string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account store unavailable at commit for {AccountId}; the charge is queued until it is back")]
    private partial void LogDeferred(string accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit for {AccountId} found no open hold; the image was not charged")]
    private partial void LogNotCharged(string accountId);
}
