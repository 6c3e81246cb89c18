using Composer.Cli;
using Composer.IntegrationTests.Reliability;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Hosts;

/// <summary>
/// Issue 12, the lock of a multi-host project: it takes the project lock of every engine it uses (each in that
/// engine's lock directory), so a composer working on the project through any one of its engines keeps it waiting.
/// </summary>
[Collection("hostlab")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MultiHostLockTests
{
    [Fact]
    public async Task A_multi_host_project_waits_for_the_lock_of_each_of_its_engines()
    {
        await using var project = await TestProject.CreateAsync("hostlock", HostLab.HostsBlock + """
            services:
              one:
                image: composer-busybox:1
                command: [sleep, "2147483647"]
                x-composer: { host: a }
              two:
                image: composer-busybox:1
                command: [sleep, "2147483647"]
                x-composer: { host: b }
            """);
        Uri[] engines = [new(HostLab.Socket("hostA")), new(HostLab.Socket("hostB"))];
        var paths = ProjectLock.PathsFor(project.Name, engines);
        paths.Should().HaveCount(2, "each engine has its own lock directory");
        try
        {
            // Held on hostB alone (as a composer using only that engine would): the project's composer waits for it.
            var held = ProjectLock.TryAcquire(project.Name, [engines[1]]) ?? throw new InvalidOperationException("lock not free");
            await EngineLockTests.ShouldWaitThenFinish(EngineLockTests.StartComposer(project.Directory, ["-p", project.Name, "down"]), held, ProjectLock.PathFor(project.Name, engines[1]));
        }
        finally
        {
            foreach (var path in paths) File.Delete(path);
        }
    }
}
