using Microsoft.Extensions.Options;

namespace FapiHub.Application.Accounts.Plans;

/// <summary>
/// Stops start-up on a plan that cannot work (instead of the first request failing), with the rule the catalogue
/// applies: the catalogue is built from these options, so building it is the check.
/// </summary>
internal sealed class PlansOptionsValidator : IValidateOptions<PlansOptions>
{
    public ValidateOptionsResult Validate(string? name, PlansOptions options)
    {
        try
        {
            _ = new PlanCatalog(Options.Create(options));
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message.Split(Environment.NewLine));
        }
    }
}
