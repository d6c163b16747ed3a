namespace FapiHub.ContainerTests;

/// <summary>
/// A test that needs podman: skipped, with the reason, on a machine without it, except where the container tests are
/// required (CI sets FAPIHUB_REQUIRE_CONTAINERS=1, <c>.ci/run</c> installs the packages): there a missing program fails
/// the test instead of hiding it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContainerFactAttribute : FactAttribute
{
    public ContainerFactAttribute()
    {
        if (Podman.Unavailable is { } reason && Environment.GetEnvironmentVariable("FAPIHUB_REQUIRE_CONTAINERS") != "1")
        {
            Skip = $"Container tests: {reason}.";
        }
    }
}
