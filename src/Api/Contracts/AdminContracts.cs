namespace FapiHub.Api.Contracts;

/// <summary>Body of <c>POST /v2/admin/keys</c>.</summary>
/// <param name="Name">Who the key is for (1–100 characters).</param>
/// <param name="Plan">Plan name (basic, pro, ultra, mega, payg, or a configured one).</param>
/// <param name="Credits">Pay-per-use credits to start with (default 0).</param>
public sealed record CreateKeyRequest(string? Name, string? Plan, long Credits = 0);

/// <summary>Body of <c>POST /v2/admin/keys/{id}/credits</c>.</summary>
/// <param name="Amount">Credits to add; negative to correct a balance (never below 0).</param>
public sealed record AddCreditsRequest(long Amount);

/// <summary>Body of <c>PATCH /v2/admin/keys/{id}</c>.</summary>
/// <param name="Plan">The new plan.</param>
public sealed record ChangePlanRequest(string? Plan);
