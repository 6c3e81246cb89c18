using Composer.Core.Engine;

namespace Composer.Core.Tests.Engine;

/// <summary>The engine lists a container's exit some 50–70 ms after its "die" event: the events seen decide meanwhile.</summary>
public class ContainerEventLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static ObservedState Listed(string state, string status = "Up 3 seconds") => new()
    {
        Containers = [new ObservedContainer { Id = "c1", Name = "p-db-1", Service = "db", State = state, Status = status,
            Addresses = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("p_default", "172.18.0.2") }],
    };

    private static EngineEvent Event(string action, double seconds, int? exit = null) =>
        new(T0.AddSeconds(seconds), action, "c1", "p-db-1", "db", 1) { ExitCode = exit };

    [Fact]
    public void A_die_seen_while_following_wins_over_a_list_that_still_says_running()
    {
        var ledger = new ContainerEventLedger();
        using var _ = ledger.Follow();
        ledger.Record(Event("kill", 0));
        ledger.Record(Event("die", 0.001, exit: 137));

        var c = ledger.Correct(Listed(ContainerState.Running)).Containers.Single();
        c.State.Should().Be(ContainerState.Exited);
        c.Status.Should().Be("Exited (137)");
        c.Addresses.Should().BeEmpty("an exited container has no address");
    }

    [Fact]
    public void The_latest_event_decides_and_an_older_one_from_a_second_stream_does_not_overwrite_it()
    {
        var ledger = new ContainerEventLedger();
        using var _ = ledger.Follow();
        ledger.Record(Event("die", 1, exit: 1));
        ledger.Record(Event("start", 2));
        ledger.Record(Event("die", 1, exit: 1)); // the same die, read by another page's stream after the start

        ledger.Correct(Listed(ContainerState.Exited, "Exited (1) 1 second ago")).Containers.Single().State.Should().Be(ContainerState.Running);
    }

    [Fact]
    public void The_engine_s_own_restarting_state_and_lists_that_agree_are_left_as_listed()
    {
        var ledger = new ContainerEventLedger();
        using var _ = ledger.Follow();
        ledger.Record(Event("die", 0, exit: 1));

        var restarting = Listed(ContainerState.Restarting, "Restarting (1) 1 second ago");
        ledger.Correct(restarting).Should().BeEquivalentTo(restarting, "a restart policy's state is the engine's to tell");
        var exited = Listed(ContainerState.Exited, "Exited (1) 1 second ago");
        ledger.Correct(exited).Containers.Single().Should().Be(exited.Containers.Single(), "the list's own status line is kept when it agrees");
    }

    [Fact]
    public void With_no_stream_following_or_after_one_dropped_or_a_destroy_the_list_decides()
    {
        var ledger = new ContainerEventLedger();
        var first = ledger.Follow();
        ledger.Record(Event("die", 0, exit: 137));
        first.Dispose();
        ledger.Correct(Listed(ContainerState.Running)).Containers.Single().State.Should().Be(ContainerState.Running, "nobody follows: a later start may have been missed");

        using var second = ledger.Follow();
        ledger.Record(Event("die", 1, exit: 137));
        ledger.Forget();
        ledger.Correct(Listed(ContainerState.Running)).Containers.Single().State.Should().Be(ContainerState.Running, "the stream dropped");

        ledger.Record(Event("die", 2, exit: 137));
        ledger.Record(Event("destroy", 3));
        ledger.Correct(Listed(ContainerState.Running)).Containers.Single().State.Should().Be(ContainerState.Running, "a destroyed container is forgotten");
    }

    [Fact]
    public void Events_that_change_no_state_are_ignored()
    {
        var ledger = new ContainerEventLedger();
        using var _ = ledger.Follow();
        foreach (var action in new[] { "kill", "attach", "exec_start: sh", "health_status: healthy", "oom", "rename" })
            ledger.Record(Event(action, 0));

        var listed = Listed(ContainerState.Running);
        ledger.Correct(listed).Should().BeSameAs(listed);
    }
}
