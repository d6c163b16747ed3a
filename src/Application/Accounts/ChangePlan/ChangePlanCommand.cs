using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.ChangePlan;

/// <summary>Move a key to another plan (admin). Usage this month and credits are kept.</summary>
public sealed record ChangePlanCommand(string Id, string? Plan) : ICommand<Result<ApiKeySummary>>;
