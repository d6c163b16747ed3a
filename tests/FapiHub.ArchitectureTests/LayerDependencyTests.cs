using System.Reflection;
using FapiHub.Api.Controllers;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using NetArchTest.Rules;

namespace FapiHub.ArchitectureTests;

/// <summary>
/// The dependency rule of the clean architecture, checked on the compiled assemblies:
/// Api → Application → Domain, Infrastructure → Application, and nothing points back up or sideways.
/// </summary>
public sealed class LayerDependencyTests
{
    private const string Domain = "FapiHub.Domain";
    private const string Application = "FapiHub.Application";
    private const string Infrastructure = "FapiHub.Infrastructure";
    private const string Api = "FapiHub.Api";

    private static readonly Assembly DomainAssembly = typeof(FapiHub.Domain.Common.Error).Assembly;
    private static readonly Assembly ApplicationAssembly = typeof(FapiHub.Application.DependencyInjection).Assembly;
    private static readonly Assembly InfrastructureAssembly = typeof(FapiHub.Infrastructure.DependencyInjection).Assembly;
    private static readonly Assembly ApiAssembly = typeof(ApiControllerBase).Assembly;

    public static TheoryData<string, string> ForbiddenDependencies => new()
    {
        { Domain, Application },
        { Domain, Infrastructure },
        { Domain, Api },
        { Domain, "Mediator" },
        { Domain, "FluentValidation" },
        { Domain, "SkiaSharp" },
        { Domain, "Microsoft.ML.OnnxRuntime" },
        { Domain, "Microsoft.AspNetCore" },
        { Domain, "Microsoft.Extensions" },
        { Application, Infrastructure },
        { Application, Api },
        { Application, "SkiaSharp" },
        { Application, "Microsoft.ML.OnnxRuntime" },
        { Application, "Microsoft.AspNetCore" },
        { Application, "StackExchange.Redis" },
        { Infrastructure, Api },
        { Infrastructure, "Microsoft.AspNetCore" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenDependencies))]
    public void Layer_WhenCompiled_ShouldNotDependOnForbiddenNamespace(string layer, string forbidden)
    {
        var result = Types.InAssembly(AssemblyOf(layer))
            .Should()
            .NotHaveDependencyOn(forbidden)
            .GetResult();

        Assert.True(result.IsSuccessful, $"{layer} depends on {forbidden}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Controllers_WhenCompiled_ShouldNotReachIntoInfrastructure()
    {
        var result = Types.InAssembly(ApiAssembly)
            .That().Inherit(typeof(ApiControllerBase))
            .Should().NotHaveDependencyOn(Infrastructure)
            .GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Remover_WhenCompiled_ShouldTakeItsModelSlotThroughTheApplicationPortOnly()
    {
        var removers = Types.InAssembly(InfrastructureAssembly).That().ImplementInterface(typeof(IBackgroundRemover));

        var result = removers.Should().NotHaveDependencyOn($"{Infrastructure}.BackgroundRemoval.Scheduling.InferenceScheduler").GetResult();

        Assert.NotEmpty(removers.GetTypes());
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void HandlersAndValidators_WhenCompiled_ShouldBeInternalAndSealed()
    {
        var result = Types.InAssembly(ApplicationAssembly)
            .That().HaveNameEndingWith("Handler").Or().HaveNameEndingWith("Validator")
            .Should().NotBePublic().And().BeSealed()
            .GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Controllers_WhenCompiled_ShouldDeriveFromTheBaseThatOwnsErrorMapping()
    {
        var result = Types.InAssembly(ApiAssembly)
            .That().HaveNameEndingWith("Controller")
            .Should().Inherit(typeof(ApiControllerBase))
            .GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void DomainErrors_WhenCompiled_ShouldHoldNoRefusalOfTheHttpExchange()
    {
        // Method, media type, URL length, header size and header timeout are HTTP's, answered by the Api's TransportErrors.
        string[] transport = ["MethodNotAllowed", "UnsupportedMediaType", "RequestTimeout", "UriTooLong", "HeadersTooLarge", "RequestHeadersTooLarge", "RequestHeaderFieldsTooLarge", "JsonRequired"];

        var names = Enum.GetNames<FapiHub.Domain.Common.ErrorType>()
            .Concat(DomainAssembly.GetTypes()
                .Where(t => t.Namespace == "FapiHub.Domain.Errors")
                .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
                .Select(m => m.Name));

        Assert.Empty(names.Intersect(transport, StringComparer.Ordinal));
    }

    private static Assembly AssemblyOf(string layer) => layer switch
    {
        Domain => DomainAssembly,
        Application => ApplicationAssembly,
        Infrastructure => InfrastructureAssembly,
        _ => ApiAssembly,
    };
}
