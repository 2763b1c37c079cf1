using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kiln.Gpu;

/// <summary>
/// Compiles a program's kernels to PTX as a CUDA accelerator would on their first launch, but without a device. The
/// CPU accelerator runs kernels as .NET code, so it accepts methods a CUDA device would reject, such as a math function
/// that ILGPU's PTX backend has no instruction for. This check lets a machine without a GPU test the CUDA path too.
/// </summary>
internal static class PtxCompilation
{
    /// <summary>
    /// The architecture the checks compile for: compute capability 9.0, the H100 and H200. ILGPU 1.5.3 writes
    /// <c>.target sm_80</c> PTX for it, which the driver compiles for the device on loading.
    /// </summary>
    public static readonly CudaArchitecture Architecture = CudaArchitecture.SM_90;

    /// <summary>
    /// The maximum static shared memory of one thread group on CUDA devices, 48 KiB. More needs dynamic
    /// shared memory, which the generated kernels do not use.
    /// </summary>
    public const int MaxStaticSharedBytes = 48 * 1024;

    /// <summary>The PTX version CUDA 12 drivers accept for that architecture.</summary>
    public static readonly CudaInstructionSet InstructionSet = CudaInstructionSet.ISA_80;

    /// <summary>
    /// Compiles every kernel of <paramref name="program"/>, and the runner's own, and returns, per kernel method, its PTX or the reason ILGPU
    /// rejected it. A kernel launched by several steps is compiled once.
    /// </summary>
    public static IReadOnlyList<PtxResult> CompileAll(GpuProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        using Context context = GpuAccelerators.CreateContext();

        // No NVVM: ILGPU writes the PTX itself, as the CUDA accelerator does by default.
        using var backend = new PTXBackend(context, Architecture, InstructionSet, nvvmAPI: null!);
        var results = new List<PtxResult>();
        var seen = new HashSet<MethodInfo>();

        // The runner's own kernel, which packs the requested layer for the copy back, runs after every program.
        IEnumerable<MethodInfo> methods = program.Steps.SelectMany(step => step).Select(launch => launch.Kernel.Method)
            .Append(((Action<ArrayView<float>, ArrayView<float>, LayerSlice>)LayerGather.Kernel).Method);
        foreach (MethodInfo method in methods)
        {
            if (!seen.Add(method))
            {
                continue;
            }

            try
            {
                var kernel = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
                int sharedBytes = StaticSharedBytes(kernel.PTXAssembly);
                string? error = sharedBytes > MaxStaticSharedBytes
                    ? $"it declares {sharedBytes} bytes of static shared memory, more than the {MaxStaticSharedBytes} a CUDA thread group may have"
                    : null;
                results.Add(new PtxResult(method.Name, kernel.PTXAssembly, sharedBytes, error));
            }
            catch (Exception exception) when (exception is InternalCompilerException or NotSupportedException or InvalidOperationException)
            {
                results.Add(new PtxResult(method.Name, Ptx: null, SharedBytes: 0, Error: Innermost(exception).Message));
            }
        }

        return results;
    }

    /// <summary>Throws, naming each rejected kernel and ILGPU's reason, unless every kernel of <paramref name="program"/> compiles to PTX.</summary>
    /// <exception cref="NotSupportedException">A kernel does not compile.</exception>
    public static void ThrowIfAnyFails(GpuProgram program)
    {
        var failures = CompileAll(program).Where(result => result.Error is not null).ToList();
        if (failures.Count > 0)
        {
            throw new NotSupportedException(
                $"ILGPU's CUDA backend cannot compile {failures.Count} kernel(s) of {program.Definition.ClassName} for {Architecture}, " +
                $"so a CUDA device would reject them: {string.Join("; ", failures.Select(failure => $"{failure.Kernel}: {failure.Error}"))}");
        }
    }

    /// <summary>Adds up the sizes of the <c>.shared</c> arrays a kernel's PTX declares, such as <c>.shared .align 4 .b8 tile[16384];</c>.</summary>
    private static int StaticSharedBytes(string ptx) =>
        Regex.Matches(ptx, @"^\s*\.shared\s.*\.b8\s+\w+\[(\d+)\];", RegexOptions.Multiline)
            .Sum(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}

/// <summary>One kernel's PTX, or why ILGPU's PTX backend rejected it or a CUDA device would.</summary>
/// <param name="Kernel">The kernel method's name.</param>
/// <param name="Ptx">The PTX assembly; null when compilation failed.</param>
/// <param name="SharedBytes">The static shared memory the PTX declares per thread group.</param>
/// <param name="Error">The innermost error ILGPU reported, or the device limit the kernel exceeds; null when it is fine.</param>
internal sealed record PtxResult(string Kernel, string? Ptx, int SharedBytes, string? Error);
