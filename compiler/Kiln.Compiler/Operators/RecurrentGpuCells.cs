using System;
using System.Collections.Generic;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>RNN's GPU time step: each thread computes one unit's Hₜ = f(projection + Hₜ₋₁·Rᵀ).</summary>
internal sealed partial class RnnOperator
{
    protected override void EmitGpuTimeStep(Node node, RecurrentGpuEmitter emitter, int parity)
    {
        SourceWriter writer = emitter.Context.Writer;
        emitter.TimeStepKernel("TimeStep", "Hₜ = f(projection + Hₜ₋₁·Rᵀ)", parity, writesState: true, Array.Empty<(string, string)>(), () =>
        {
            writer.Line("float gate = projection[gates];");
            emitter.DotProducts("hidden", ("gate", 0));
            emitter.PerDirection(direction =>
            {
                emitter.ClipAndActivate("gate", direction, 0);
                emitter.WriteHidden("gate");
            });
        });
    }
}

/// <summary>
/// GRU's GPU time step. With linear_before_reset one kernel computes the whole step. Without it the candidate needs
/// (rₜ ⊙ Hₜ₋₁)·Rhᵀ, a product over all units' reset gates, so a first kernel stores the update gates and rₜ ⊙ Hₜ₋₁
/// of every unit, and a second computes the candidate and the next state.
/// </summary>
internal sealed partial class GruOperator
{
    private const int UpdateGateBuffer = 0;

    private const int ResetHiddenBuffer = 1;

    protected override int GpuStateBuffers(Node node, ShapeContext context) => LinearBeforeReset(node, context) ? 0 : 2;

    protected override int GateWithoutRecurrentBias(Node node, ShapeContext context) => LinearBeforeReset(node, context) ? 2 : -1;

    protected override void EmitGpuTimeStep(Node node, RecurrentGpuEmitter emitter, int parity)
    {
        if (LinearBeforeReset(node, emitter.Context.Shapes))
        {
            EmitLinearBeforeReset(node, emitter, parity);
            return;
        }

        GpuEmitContext context = emitter.Context;
        SourceWriter writer = context.Writer;
        int stateLength = emitter.Workspace.StateLength;
        var buffers = new[]
        {
            ("updateGates", context.Workspace(emitter.Workspace.BufferOffset(UpdateGateBuffer), stateLength)),
            ("resetHidden", context.Workspace(emitter.Workspace.BufferOffset(ResetHiddenBuffer), stateLength)),
        };
        emitter.TimeStepKernel("Gates", "the update gate zₜ and rₜ ⊙ Hₜ₋₁", parity, writesState: false, buffers, () =>
        {
            writer.Line("float update = projection[gates];");
            writer.Line($"float reset = projection[gates + {emitter.Hidden}];");
            emitter.DotProducts("hidden", ("update", 0), ("reset", 1));
            emitter.PerDirection(direction =>
            {
                emitter.ClipAndActivate("update", direction, 0);
                emitter.ClipAndActivate("reset", direction, 0);
            });

            writer.Line("updateGates[i] = update;");
            writer.Line("resetHidden[i] = reset * hidden[i];");
        });

        emitter.TimeStepKernel("TimeStep", "hₜ = g(projection + (rₜ ⊙ Hₜ₋₁)·Rhᵀ) and Hₜ = (1 − zₜ) ⊙ hₜ + zₜ ⊙ Hₜ₋₁", parity, writesState: true, buffers, () =>
        {
            writer.Line($"float candidate = projection[gates + {2 * emitter.Hidden}];");
            emitter.DotProducts("resetHidden", ("candidate", 2));
            writer.Line("float update = updateGates[i];");
            emitter.PerDirection(direction =>
            {
                emitter.ClipAndActivate("candidate", direction, 1);
                emitter.WriteHidden("((1f - update) * candidate) + (update * hidden[i])");
            });
        });
    }

    /// <summary>Writes the time step hₜ = g(projection + rₜ ⊙ (Hₜ₋₁·Rhᵀ + Rbh)), where the projection of h has Wbh only.</summary>
    private static void EmitLinearBeforeReset(Node node, RecurrentGpuEmitter emitter, int parity)
    {
        GpuEmitContext context = emitter.Context;
        SourceWriter writer = context.Writer;
        int hidden = emitter.Hidden;
        string? bias = node.OptionalInput(BiasInput);
        var views = new List<(string, string)>();
        if (bias is not null)
        {
            views.Add(("b", context.Read(node, bias)));
        }

        emitter.TimeStepKernel("TimeStep", "the gates zₜ and rₜ, hₜ = g(projection + rₜ ⊙ (Hₜ₋₁·Rhᵀ + Rbh)) and Hₜ = (1 − zₜ) ⊙ hₜ + zₜ ⊙ Hₜ₋₁", parity, writesState: true, views, () =>
        {
            writer.Line("float update = projection[gates];");
            writer.Line($"float reset = projection[gates + {hidden}];");
            writer.Line($"float candidate = projection[gates + {2 * hidden}];");

            // Rbh of the unit: B contains Wb of the three gates, then Rb.
            writer.Line(bias is null ? "float hiddenProduct = 0f;" : $"float hiddenProduct = b[(direction * {6 * hidden}) + {5 * hidden} + unit];");
            emitter.DotProducts("hidden", ("update", 0), ("reset", 1), ("hiddenProduct", 2));
            emitter.PerDirection(direction =>
            {
                emitter.ClipAndActivate("update", direction, 0);
                emitter.ClipAndActivate("reset", direction, 0);
                writer.Line("candidate += reset * hiddenProduct;");
                emitter.ClipAndActivate("candidate", direction, 1);
                emitter.WriteHidden("((1f - update) * candidate) + (update * hidden[i])");
            });
        });
    }
}

/// <summary>
/// LSTM's GPU time step: each thread computes the four gates of one unit, updates its cell state in place (no other
/// thread reads it) and writes its next hidden state.
/// </summary>
internal sealed partial class LstmOperator
{
    private const int CellBuffer = 0;

    protected override void EmitGpuTimeStep(Node node, RecurrentGpuEmitter emitter, int parity)
    {
        GpuEmitContext context = emitter.Context;
        SourceWriter writer = context.Writer;
        bool inputForget = InputForget(node, context.Shapes);
        string? peepholes = node.OptionalInput(PeepholesInput);
        int hidden = emitter.Hidden;
        var views = new List<(string, string)> { ("cell", context.Workspace(emitter.Workspace.BufferOffset(CellBuffer), emitter.Workspace.StateLength)) };
        if (peepholes is not null)
        {
            views.Add(("peepholes", context.Read(node, peepholes)));
        }

        emitter.TimeStepKernel("TimeStep", "the gates iₜ, oₜ, fₜ and cₜ, the cell state Cₜ and Hₜ = oₜ ⊙ h(Cₜ)", parity, writesState: true, views, () =>
        {
            // The gates are stored in the order i, o, f, c; the peepholes in the order i, o, f.
            writer.Line("float inputGate = projection[gates];");
            writer.Line($"float outputGate = projection[gates + {hidden}];");
            writer.Line($"float forgetGate = projection[gates + {2 * hidden}];");
            writer.Line($"float cellGate = projection[gates + {3 * hidden}];");
            emitter.DotProducts("hidden", ("inputGate", 0), ("outputGate", 1), ("forgetGate", 2), ("cellGate", 3));
            writer.Line("float previousCell = cell[i];");
            if (peepholes is not null)
            {
                writer.Line($"int peephole = (direction * {3 * hidden}) + unit;");
                writer.Line("inputGate += peepholes[peephole] * previousCell;");
            }

            emitter.PerDirection(direction =>
            {
                emitter.ClipAndActivate("inputGate", direction, 0);
                if (inputForget)
                {
                    writer.Line("forgetGate = 1f - inputGate;");
                }
                else
                {
                    if (peepholes is not null)
                    {
                        writer.Line($"forgetGate += peepholes[peephole + {2 * hidden}] * previousCell;");
                    }

                    emitter.ClipAndActivate("forgetGate", direction, 0);
                }

                emitter.ClipAndActivate("cellGate", direction, 1);
                writer.Line("float newCell = (forgetGate * previousCell) + (inputGate * cellGate);");
                writer.Line("cell[i] = newCell;");

                // The output gate looks at the new cell state.
                if (peepholes is not null)
                {
                    writer.Line($"outputGate += peepholes[peephole + {hidden}] * newCell;");
                }

                emitter.ClipAndActivate("outputGate", direction, 0);
                writer.Line("float cellOutput = newCell;");
                emitter.Activate("cellOutput", direction, 2);
                emitter.WriteHidden("outputGate * cellOutput");
            });
        });
    }
}
