namespace VectorOps.Cli
{
    internal static class Program
    {
        // PLACEHOLDER until the CLI lands (issue 2).
        private static int Main(string[] args) => 2;
    }
}
