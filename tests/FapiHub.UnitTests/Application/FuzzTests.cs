using FapiHub.Application;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Application.Common;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure;
using FapiHub.Tests.Shared;
using Mediator;
using Xunit.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FapiHub.UnitTests.Application;

/// <summary>
/// 5,000 seeded hostile uploads through the real validation, decoding and charging pipeline (only the model is a
/// fake): every one must end as a result, success or a 4xx-type error, never an exception.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261124;

    [Fact]
    public async Task Send_WhenFedFiveThousandMutatedUploads_ShouldNeverThrowAndOnlyAnswerClientErrors()
    {
        await using var services = Services(out var caller);
        var sender = services.GetRequiredService<ISender>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var charged = 0;

        foreach (var upload in Mutations.Generate(5_000, Seed))
        {
            var result = await sender.Send(new RemoveBackgroundCommand(upload, "falcon", new MaskEffect(), OutputOptions.Default));
            var outcome = result.IsSuccess ? "ok" : result.Error!.Code;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (!result.IsSuccess)
            {
                Assert.Equal(ErrorType.Validation, result.Error!.Type);
            }
            else
            {
                charged++;
                Assert.Equal(new ChargeReceipt(1, null, 1_000_000 - charged), result.Value.Charge);
            }
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}")));
        Assert.Equal(5_000, outcomes.Values.Sum());
        Assert.Subset(new HashSet<string>(["ok", "invalid_image", "image_too_large", "invalid_request"]), outcomes.Keys.ToHashSet());
        Assert.True(outcomes.GetValueOrDefault("invalid_image") > 1_000, string.Join(", ", outcomes));
        Assert.Equal(new UsageSnapshot(charged, 0, 1_000_000 - charged), await Usage(services, caller));
    }

    [Fact]
    public async Task Send_WhenThinLongImagesAskForHugeShadowsAndCropMargins_ShouldOnlyServeBoundedOutputsOrAnswerClientErrors()
    {
        const long MaxPixels = 1_500_000; // admits the 4 × 300,000 strip as an upload, not the canvas its shadow asks for
        await using var services = Services(out var caller, ("Limits:MaxPixels", "1500000"));
        var sender = services.GetRequiredService<ISender>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var served = 0;

        foreach (var c in Mutations.OutputSizeCases(300, Seed))
        {
            var command = new RemoveBackgroundCommand(
                c.Image, "falcon", new ShadowEffect(c.OffsetX, c.OffsetY, c.BlurRadius, ShadowEffect.DefaultColor), new OutputOptions(Crop: c.Crop, CropMargin: c.CropMargin));
            var result = await sender.Send(command);
            var outcome = result.IsSuccess ? "ok" : result.Error!.Code;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (result.IsSuccess)
            {
                served++;
                Assert.True((long)result.Value.Width * result.Value.Height <= MaxPixels, $"{c}: {result.Value.Width}x{result.Value.Height}");
            }
            else
            {
                Assert.Equal(ErrorType.Validation, result.Error!.Type);
            }
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}")));
        Assert.Subset(new HashSet<string>(["ok", "image_too_large", "invalid_request"]), outcomes.Keys.ToHashSet());
        Assert.True(outcomes.GetValueOrDefault("image_too_large") > 100, string.Join(", ", outcomes));
        Assert.True(served > 0, string.Join(", ", outcomes));

        // Only what was served was charged: every refusal released its hold.
        Assert.Equal(new UsageSnapshot(served, 0, 1_000_000 - served), await Usage(services, caller));
    }

    private static ValueTask<UsageSnapshot> Usage(ServiceProvider services, FixedCaller caller) =>
        services.GetRequiredService<IUsageLedger>().GetUsageAsync(caller.AccountId!, BillingPeriod.Key(TimeProvider.System.GetUtcNow()), default);

    private static ServiceProvider Services(out FixedCaller caller, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddApplication(configuration).AddInfrastructure(configuration);
        services.AddSingleton<IModelCatalog>(new FakeModelCatalog("falcon"));
        services.AddSingleton<IBackgroundRemover, InstantRemover>();
        caller = new FixedCaller();
        services.AddSingleton<ICallerContext>(caller);
        var provider = services.BuildServiceProvider();
        var account = provider.GetRequiredService<IAccountStore>()
            .CreateAsync(new NewAccount(ApiKeys.Digest(ApiKeys.Generate()), "fuzz", "payg", 1_000_000), default).AsTask().Result;
        caller.AccountId = account.Id;
        caller.Plan = account.Plan;
        return provider;
    }

    private sealed class FixedCaller : ICallerContext
    {
        public string? AccountId { get; set; }

        public string? Plan { get; set; }
    }

    private sealed class InstantRemover : IBackgroundRemover
    {
        public ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken)
        {
            var mask = new AlphaMask(image.Width, image.Height);
            mask.Span.Fill(200);
            return ValueTask.FromResult(Result<Prediction>.Success(new Prediction(mask, TimeSpan.Zero)));
        }
    }
}
