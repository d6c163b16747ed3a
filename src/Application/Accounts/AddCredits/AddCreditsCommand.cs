using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.AddCredits;

/// <summary>Top up (or, with a negative amount, correct) a key's credits (admin).</summary>
public sealed record AddCreditsCommand(string Id, long Amount) : ICommand<Result<ApiKeySummary>>;
