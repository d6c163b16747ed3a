using FapiHub.Application.Accounts.AddCredits;
using FapiHub.Application.Accounts.CreateApiKey;
using FapiHub.Application.Accounts.Plans;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Application.Accounts;

/// <summary>Issue 25, case 9: the admin API's messages use the house form, never FluentValidation's defaults.</summary>
public sealed class AdminCommandValidatorTests
{
    [Theory]
    [InlineData(0L, "Field 'amount' must be a non-zero whole number from -1000000000 to 1000000000; was 0 or missing.")] // before: "'amount' must not be equal to '0'."
    [InlineData(1_000_000_001L, "Field 'amount' must be a non-zero whole number from -1000000000 to 1000000000; was 1000000001.")]
    public void Validate_WhenTheAmountIsZeroOrOutOfRange_ShouldNameTheFieldItsRangeAndTheValue(long amount, string expected)
    {
        var failure = Assert.Single(new AddCreditsCommandValidator().Validate(new AddCreditsCommand("key_x", amount)).Errors);

        Assert.Equal(expected, failure.ErrorMessage);
    }

    [Theory]
    [InlineData(null, "gold", -1L)]
    [InlineData("   ", null, 1_000_000_001L)]
    public void Validate_WhenEveryCreateFieldIsBad_ShouldAnswerEachInTheFieldMustForm(string? name, string? plan, long credits)
    {
        var validator = new CreateApiKeyCommandValidator(new PlanCatalog(Options.Create(new PlansOptions())));

        var errors = validator.Validate(new CreateApiKeyCommand(name, plan, credits)).Errors;

        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.StartsWith($"Field '{e.PropertyName}' must ", e.ErrorMessage, StringComparison.Ordinal));
    }
}
