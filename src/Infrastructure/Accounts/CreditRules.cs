namespace FapiHub.Infrastructure.Accounts;

/// <summary>The one rule both stores apply to an admin credit correction (the Redis script mirrors it).</summary>
internal static class CreditRules
{
    /// <summary>
    /// The part of <paramref name="requested"/> that can be applied: all of a top-up; of a removal, at most what is
    /// not held by requests in flight, so charging them later can never take the balance below zero.
    /// </summary>
    public static long Applicable(long credits, long held, long requested) =>
        requested >= 0 ? requested : Math.Max(requested, -Math.Max(0, credits - held));
}
