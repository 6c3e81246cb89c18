using Composer.Core.Model;

namespace Composer.Core.Engine;

/// <summary>Conditions beyond depends_on's, for <c>up --wait</c>.</summary>
public static class WaitConditions
{
    /// <summary>Healthy when the container has a healthcheck, running otherwise; exiting fails.</summary>
    public const string RunningOrHealthy = "running_or_healthy";
}

/// <summary>What the condition policy reads of a container: its state, exit code and health.</summary>
/// <param name="Status">The engine's state (running, exited, dead…).</param>
/// <param name="Health">healthy, unhealthy or starting; null without a healthcheck.</param>
public sealed record ContainerConditionState(string Name, string Service, string Status, bool Running, long ExitCode, string? Health);

/// <summary>
/// Compose's rules for depends_on conditions (and <c>up --wait</c>'s): when a container meets one, and when it never
/// will. Engines decide only when to look again; the verdict and its message are Compose's, the same for every engine.
/// </summary>
public static class ConditionPolicy
{
    /// <summary>True when met; throws <see cref="ConditionFailedException"/> when it can never be met; false to keep waiting.</summary>
    public static bool IsMet(string condition, ContainerConditionState c)
    {
        var name = c.Name;
        var exited = c.Status is ContainerState.Exited or ContainerState.Dead;
        var exitCode = (int)c.ExitCode;
        switch (condition)
        {
            case DependencyCondition.Started:
                return c.Running || exited;
            case DependencyCondition.CompletedSuccessfully:
                if (!exited) return false;
                if (c.ExitCode == 0) return true;
                throw new ConditionFailedException(name, condition, $"service \"{c.Service}\" didn't complete successfully: exit {c.ExitCode}", exitCode);
            case DependencyCondition.Healthy:
                if (c.Health is null)
                    throw new ConditionFailedException(name, condition, $"dependency failed to start: container {name} has no healthcheck configured");
                if (c.Health == "healthy") return true;
                if (c.Health == "unhealthy") throw new ConditionFailedException(name, condition, $"dependency failed to start: container {name} is unhealthy");
                if (exited) throw new ConditionFailedException(name, condition, $"dependency failed to start: container {name} exited ({c.ExitCode})", exitCode);
                return false;
            case WaitConditions.RunningOrHealthy:
                if (exited) throw new ConditionFailedException(name, condition, $"container {name} exited ({c.ExitCode})", exitCode);
                if (c.Health is null) return c.Running;
                if (c.Health == "unhealthy") throw new ConditionFailedException(name, condition, $"container {name} is unhealthy");
                return c.Health == "healthy";
            default:
                throw new EngineException($"unknown condition {condition}");
        }
    }
}
