using Composer.Ambassador;

AmbassadorOptions options;
try
{
    options = AmbassadorOptions.FromEnvironment(Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ambassador: {e.Message}");
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
await new Proxy(options, Console.Out).RunAsync(stop.Token);
return 0;
