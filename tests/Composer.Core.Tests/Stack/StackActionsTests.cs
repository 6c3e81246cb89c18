using System.Collections.Concurrent;
using System.Collections.Immutable;
using Composer.Core.Model;
using Composer.Core.Stack;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Stack;

/// <summary>The deploy use case on a fake Swarm whose tasks run a few observations after their service is created.</summary>
public class StackActionsTests
{
    private sealed class FakeSwarm : ISwarmEngine
    {
        private readonly ConcurrentDictionary<string, (StackService Spec, int Age, string Id)> _services = new();
        public ConcurrentQueue<string> Calls { get; } = new();
        /// <summary>Per compose service: observations a task needs to reach running after its service is created.</summary>
        public Dictionary<string, int> StartDelay { get; } = [];
        private int _ids;

        public Task EnsureManagerAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<ObservedStack> ObserveAsync(string stack, CancellationToken cancellationToken)
        {
            var services = new List<ObservedSwarmService>();
            var tasks = new List<ObservedTask>();
            foreach (var (name, (spec, age, id)) in _services)
            {
                _services[name] = (spec, age + 1, id);
                services.Add(new ObservedSwarmService(id, name, 1, spec.Labels) { Replicas = spec.Replicas });
                var running = age >= StartDelay.GetValueOrDefault(spec.Model.Name, 1);
                for (var slot = 1; slot <= spec.Replicas; slot++)
                    tasks.Add(new ObservedTask($"{id}.{slot}", id, name, slot, "n1", running ? "running" : "starting", "running") { SpecHash = spec.Hash });
            }
            return Task.FromResult(new ObservedStack
            {
                Services = [.. services], Tasks = [.. tasks],
                Networks = [.. _networks.Values.Select(n => new ObservedSwarmObject(n.Name, n.Name, n.Labels))],
            });
        }

        private readonly ConcurrentDictionary<string, StackNetwork> _networks = new();

        public Task CreateNetworkAsync(StackNetwork network, CancellationToken cancellationToken)
        {
            Calls.Enqueue($"network {network.Name}");
            _networks[network.Name] = network;
            return Task.CompletedTask;
        }
        public Task CreateFileObjectAsync(StackFileObject file, CancellationToken cancellationToken) { Calls.Enqueue($"{file.Kind} {file.Name}"); return Task.CompletedTask; }

        public Task CreateServiceAsync(StackService service, CancellationToken cancellationToken)
        {
            Calls.Enqueue($"create {service.Name}");
            _services[service.Name] = (service, 0, $"id{Interlocked.Increment(ref _ids)}");
            return Task.CompletedTask;
        }

        public Task UpdateServiceAsync(string id, ulong version, StackService service, CancellationToken cancellationToken)
        {
            Calls.Enqueue($"update {service.Name}");
            _services[service.Name] = (service, 0, id);
            return Task.CompletedTask;
        }

        public Task RemoveServiceAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task RemoveNetworkAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task RemoveFileObjectAsync(StackFileKind kind, string id, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Recorder : IStackProgress
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public void Report(string service, string status) => Lines.Enqueue($"{service} {status}");
    }

    private const string Chain = """
        services:
          db: { image: composer-busybox:1, healthcheck: { test: ["CMD", "true"] } }
          api:
            image: composer-busybox:1
            depends_on: { db: { condition: service_healthy } }
            deploy: { replicas: 3 }
          web: { image: composer-busybox:1, depends_on: [api] }
        """;

    [Fact]
    public async Task Each_service_is_created_only_after_its_dependencies_run_and_the_deploy_returns_once_all_converged()
    {
        var swarm = new FakeSwarm { StartDelay = { ["db"] = 3 } };
        var progress = new Recorder();
        var result = await new StackActions(swarm) { PollInterval = TimeSpan.FromMilliseconds(1) }
            .DeployAsync(new StackDeployRequest(TestProjects.Load(Chain)), progress, CancellationToken.None);

        result.Converged.Should().BeTrue();
        swarm.Calls.Should().Equal("network demo_default", "create demo_db", "create demo_api", "create demo_web");
        var lines = progress.Lines.ToList();
        lines.IndexOf("db 1/1 running").Should().BeLessThan(lines.IndexOf("api creating"));
        lines.Should().Contain("api 3/3 running").And.Contain("web 1/1 running");
        result.Progress.Values.Should().OnlyContain(p => p.Converged);
    }

    [Fact]
    public async Task A_second_deploy_makes_no_call_and_a_changed_service_is_the_only_one_updated()
    {
        var swarm = new FakeSwarm();
        var actions = new StackActions(swarm) { PollInterval = TimeSpan.FromMilliseconds(1) };
        await actions.DeployAsync(new StackDeployRequest(TestProjects.Load(Chain)), new Recorder(), CancellationToken.None);
        swarm.Calls.Clear();

        (await actions.DeployAsync(new StackDeployRequest(TestProjects.Load(Chain)), new Recorder(), CancellationToken.None)).Converged.Should().BeTrue();
        swarm.Calls.Should().BeEmpty();

        var changed = Chain.Replace("web: { image: composer-busybox:1,", "web: { image: composer-busybox:1, environment: { X: \"1\" },");
        (await actions.DeployAsync(new StackDeployRequest(TestProjects.Load(changed)), new Recorder(), CancellationToken.None)).Converged.Should().BeTrue();
        swarm.Calls.Should().Equal("update demo_web");
    }

    [Fact]
    public async Task A_dependency_that_never_runs_holds_its_dependents_back_until_the_timeout()
    {
        var swarm = new FakeSwarm { StartDelay = { ["db"] = int.MaxValue } };
        var result = await new StackActions(swarm) { PollInterval = TimeSpan.FromMilliseconds(1) }
            .DeployAsync(new StackDeployRequest(TestProjects.Load(Chain)) { Timeout = TimeSpan.FromMilliseconds(300) }, new Recorder(), CancellationToken.None);

        result.Converged.Should().BeFalse();
        result.Failures.Keys.Should().Equal("api", "web");
        result.Failures["api"].Should().Contain("waiting for its dependencies: db");
        swarm.Calls.Should().NotContain(c => c.Contains("demo_api") || c.Contains("demo_web"));
        result.Progress["db"].ToString().Should().Be("0/1 running");
    }
}
