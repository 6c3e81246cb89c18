using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Tests.Engine;

/// <summary>Compose's depends_on conditions, judged the same for the Docker adapter and the fake engine.</summary>
public class ConditionPolicyTests
{
    private static ContainerConditionState State(string status, long exit = 0, string? health = null) =>
        new("p-db-1", "db", status, status == ContainerState.Running, exit, health);

    [Fact]
    public void Started_is_met_once_the_container_runs_or_has_run()
    {
        ConditionPolicy.IsMet(DependencyCondition.Started, State(ContainerState.Created)).Should().BeFalse();
        ConditionPolicy.IsMet(DependencyCondition.Started, State(ContainerState.Running)).Should().BeTrue();
        ConditionPolicy.IsMet(DependencyCondition.Started, State(ContainerState.Exited, 1)).Should().BeTrue();
    }

    [Fact]
    public void Completed_successfully_waits_for_the_exit_and_fails_on_a_non_zero_one_with_compose_s_message()
    {
        ConditionPolicy.IsMet(DependencyCondition.CompletedSuccessfully, State(ContainerState.Running)).Should().BeFalse();
        ConditionPolicy.IsMet(DependencyCondition.CompletedSuccessfully, State(ContainerState.Exited)).Should().BeTrue();
        FluentActions.Invoking(() => ConditionPolicy.IsMet(DependencyCondition.CompletedSuccessfully, State(ContainerState.Exited, 3)))
            .Should().Throw<ConditionFailedException>().WithMessage("service \"db\" didn't complete successfully: exit 3").Which.ExitCode.Should().Be(3);
    }

    [Fact]
    public void Healthy_needs_a_healthcheck_and_fails_on_unhealthy_or_an_exit()
    {
        ConditionPolicy.IsMet(DependencyCondition.Healthy, State(ContainerState.Running, health: "starting")).Should().BeFalse();
        ConditionPolicy.IsMet(DependencyCondition.Healthy, State(ContainerState.Running, health: "healthy")).Should().BeTrue();
        FluentActions.Invoking(() => ConditionPolicy.IsMet(DependencyCondition.Healthy, State(ContainerState.Running)))
            .Should().Throw<ConditionFailedException>().WithMessage("*has no healthcheck configured");
        FluentActions.Invoking(() => ConditionPolicy.IsMet(DependencyCondition.Healthy, State(ContainerState.Running, health: "unhealthy")))
            .Should().Throw<ConditionFailedException>().WithMessage("dependency failed to start: container p-db-1 is unhealthy");
        FluentActions.Invoking(() => ConditionPolicy.IsMet(DependencyCondition.Healthy, State(ContainerState.Exited, 1, "starting")))
            .Should().Throw<ConditionFailedException>().WithMessage("*exited (1)");
    }

    [Fact]
    public void Running_or_healthy_is_up_wait_s_condition()
    {
        ConditionPolicy.IsMet(WaitConditions.RunningOrHealthy, State(ContainerState.Running)).Should().BeTrue();
        ConditionPolicy.IsMet(WaitConditions.RunningOrHealthy, State(ContainerState.Running, health: "starting")).Should().BeFalse();
        FluentActions.Invoking(() => ConditionPolicy.IsMet(WaitConditions.RunningOrHealthy, State(ContainerState.Exited, 0)))
            .Should().Throw<ConditionFailedException>();
    }
}
