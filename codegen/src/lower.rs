//! IR to LLVM IR.
//!
//! The whole program becomes one LLVM function, `entrypoint`: every IR function is a run of
//! basic blocks in it, and calls never use the native call stack (sBPF allows 64 nested native
//! calls with 4 KiB frames each). A call pushes a compact frame record on the value stack in the
//! heap and branches to the shared `dispatch` block, which switches on the callee's function id;
//! a return branches to the shared `resume` block, which switches on the return id the record
//! kept. Recursion depth is therefore bounded by the heap, as the contract wants, and tail calls
//! reuse their frame.
//!
//! Every IR operation is a call into the support library (codegen/support/*.ll), which LLVM
//! inlines; a failing operation returns non-zero and the generated code branches to `fail`.
//! Pushes, stores, arithmetic, comparisons and conditional jumps in straight-line code work on
//! LLVM values instead of the value stack where they can (lower/deferred.rs).

mod deferred;
mod direct;
mod fold;

use crate::jumps::jump_target;
use crate::reach::{
    assigns_boxes, direct_handler, plain_handler, reachable, remade_definitions, top_level_reads_chain, writes_state, Definition,
};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::IntType;
use inkwell::values::{BasicMetadataValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};
use ovsm_ir::{Capture, Constant, FuncId, Function, GlobalId, Instr, Program, SiteMap, UpdateOp};
use ovsm_lexer::{Diagnostic, Span};
use std::collections::{BTreeSet, HashMap};

/// Builtins that can also be called as values (`(reduce + xs 0)`): those with a support
/// operation that takes its argument count at run time.
const DYNAMIC_BUILTINS: [&str; 63] = [
    "to-upper",
    "to-lower",
    "trim",
    "pow",
    "sqrt",
    "floor",
    "ceil",
    "round",
    "int",
    "float",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "!=",
    "not",
    "abs",
    "length",
    "nth",
    "str",
    "print",
    "println",
    "log",
    "type-of",
    "first",
    "last",
    "int?",
    "float?",
    "number?",
    "string?",
    "keyword?",
    "bool?",
    "array?",
    "map?",
    "nil?",
    "fn?",
    "get",
    "assoc",
    "dissoc",
    "keys",
    "values",
    "has-key?",
    "rest",
    "append",
    "cons",
    "list",
    "reverse",
    "range",
    "contains?",
    "substring",
    "join",
    "slice",
    "min",
    "max",
    "empty?",
    "split",
    "format",
];

/// The type predicates, as the set of value tags (support/core.ll) each accepts.
fn type_mask(name: &str) -> Option<u64> {
    let tags: &[u64] = match name {
        "nil?" => &[0],
        "bool?" => &[1],
        "int?" => &[2],
        "float?" => &[3],
        "number?" => &[2, 3],
        "string?" => &[4],
        "keyword?" => &[5],
        "array?" => &[6],
        "map?" => &[7],
        "fn?" => &[8, 9],
        _ => return None,
    };
    Some(tags.iter().fold(0, |mask, t| mask | (1 << t)))
}

/// The diagnostic code for IR the back end cannot compile yet.
pub const UNSUPPORTED: &str = "E0701";

type Built<T> = Result<T, String>;

pub struct Lowerer<'ctx, 'p> {
    context: &'ctx Context,
    module: &'p Module<'ctx>,
    builder: Builder<'ctx>,
    program: &'p Program,
    i64t: IntType<'ctx>,
    entry: FunctionValue<'ctx>,
    fail: BasicBlock<'ctx>,
    dispatch: BasicBlock<'ctx>,
    dispatch_in: Vec<(IntValue<'ctx>, BasicBlock<'ctx>)>,
    resume: BasicBlock<'ctx>,
    resume_in: Vec<(IntValue<'ctx>, BasicBlock<'ctx>)>,
    resume_targets: Vec<(u64, BasicBlock<'ctx>)>,
    function_entries: Vec<(u64, BasicBlock<'ctx>)>,
    /// Calls of builtins held as values: (builtin id, argc, return id or 0 for a tail call,
    /// whether a callee slot sits under the arguments, site, from block).
    builtin_in: Vec<[IntValue<'ctx>; 5]>,
    builtin_from: Vec<BasicBlock<'ctx>>,
    builtin: BasicBlock<'ctx>,
    strings: HashMap<Vec<u8>, PointerValue<'ctx>>,
    descriptors: std::collections::BTreeMap<u16, IntValue<'ctx>>,
    pub sites: SiteMap,
    pub unsupported: Vec<Diagnostic>,
    next_return: u64,
    max_depth: u64,
    /// Instructions of the top level left out: definitions of functions nothing reachable uses
    /// (see `unused_definitions`), as (function, pc).
    skipped: std::collections::HashSet<(u32, usize)>,
    /// Whether the program's own code can change its state (`reach::writes_state`); when it
    /// cannot, invocations neither load nor save the state.
    writes_state: bool,
    /// Whether the top level can read the chain (`reach::top_level_reads_chain`): the install
    /// invocation then keeps the globals it made in the state.
    keeps_top_level: bool,
    /// Whether an invocation may hand a closure back to the runtime (`ovsm_hand_back`): an
    /// `on-event` handler evaluated once, or a callback that assigns a captured variable.
    hands_back: bool,
    /// Whether the program's deployment runs installs (mode 4): it keeps its top level, or a
    /// handler is evaluated once.
    installs: bool,
    /// The top level's definitions that invocations make again when it is kept
    /// (`reach::remade_definitions`).
    remade: Vec<Definition>,
    /// The locals of the function being lowered whose pushes grow their array in place
    /// (`owned::owned_locals`); the k-th's hidden slot follows the function's own slots.
    owned: Vec<u16>,
    /// Slots of inlined prelude code that grow their array in place, by function (inline.rs).
    pub inlined_owned: HashMap<u32, Vec<u16>>,
    /// The top of the operand stack while it is kept in LLVM values (lower/deferred.rs).
    deferred: Vec<deferred::Deferred<'ctx>>,
    /// The builtins among `+ - *` that the program takes as values, by id: a call of two
    /// arguments checks for them (lower/deferred.rs, `call_two`).
    arith_values: Vec<u16>,
    /// The global `reduce` when only the prelude writes it (lower/fold.rs, inline.rs).
    prelude_reduce: Option<u32>,
    /// Set by an instruction that does not fall through but hands the next one deferred
    /// values, through phis at its block (lower/deferred.rs, `call_two`).
    carried: bool,
    /// Guessed callees and return points (lower/direct.rs).
    direct: direct::Direct<'ctx>,
    /// The function being lowered.
    current: u32,
}

fn unsupported(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(UNSUPPORTED, format!("{what} is not supported by the sBPF back end yet"))
        .with_label(span, "used here")
        .with_note("`ovsm run` on the source runs it in the interpreter; see docs/codegen.md for what compiles")
}

impl<'ctx, 'p> Lowerer<'ctx, 'p> {
    pub fn new(
        context: &'ctx Context,
        module: &'p Module<'ctx>,
        program: &'p Program,
        sites: SiteMap,
        max_depth: u64,
    ) -> Lowerer<'ctx, 'p> {
        let i64t = context.i64_type();
        let i8p = context.i8_type().ptr_type(AddressSpace::default());
        let entry = module.add_function("entrypoint", i64t.fn_type(&[i8p.into()], false), Some(Linkage::External));
        let fail = context.append_basic_block(entry, "fail");
        let dispatch = context.append_basic_block(entry, "dispatch");
        let resume = context.append_basic_block(entry, "resume");
        let builtin = context.append_basic_block(entry, "builtin");
        Lowerer {
            context,
            module,
            builder: context.create_builder(),
            program,
            i64t,
            entry,
            fail,
            dispatch,
            dispatch_in: Vec::new(),
            resume,
            resume_in: Vec::new(),
            resume_targets: Vec::new(),
            function_entries: Vec::new(),
            builtin_in: Vec::new(),
            builtin_from: Vec::new(),
            builtin,
            strings: HashMap::new(),
            descriptors: std::collections::BTreeMap::new(),
            sites,
            unsupported: Vec::new(),
            next_return: 1,
            max_depth,
            skipped: Default::default(),
            writes_state: true,
            keeps_top_level: false,
            hands_back: false,
            installs: false,
            remade: Vec::new(),
            owned: Vec::new(),
            inlined_owned: HashMap::new(),
            deferred: Vec::new(),
            arith_values: arith_values(program),
            prelude_reduce: crate::inline::prelude_reduce(program),
            carried: false,
            direct: direct::Direct::new(program),
            current: 0,
        }
    }

    fn int(&self, v: u64) -> IntValue<'ctx> {
        self.i64t.const_int(v, false)
    }

    fn sint(&self, v: i64) -> IntValue<'ctx> {
        self.i64t.const_int(v as u64, true)
    }

    fn support(&self, name: &str) -> Built<FunctionValue<'ctx>> {
        self.module.get_function(name).ok_or_else(|| format!("the support library has no `{name}`"))
    }

    /// Calls a support function; its i64 result, if it has one.
    fn call(&self, name: &str, args: &[BasicMetadataValueEnum<'ctx>]) -> Built<Option<IntValue<'ctx>>> {
        let f = self.support(name)?;
        let site = self.builder.build_call(f, args, "").map_err(|e| e.to_string())?;
        Ok(match site.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => Some(v.into_int_value()),
            inkwell::values::ValueKind::Instruction(_) => None,
        })
    }

    fn call_value(&self, name: &str, args: &[BasicMetadataValueEnum<'ctx>]) -> Built<IntValue<'ctx>> {
        self.call(name, args)?.ok_or_else(|| format!("`{name}` returns nothing"))
    }

    /// Branches to `fail` when `status` is not 0; continues in a new block otherwise.
    fn check(&self, status: IntValue<'ctx>) -> Built<()> {
        let bad = self.builder.build_int_compare(IntPredicate::NE, status, self.int(0), "bad").map_err(|e| e.to_string())?;
        self.branch_unless(bad)
    }

    fn branch_unless(&self, bad: IntValue<'ctx>) -> Built<()> {
        let ok = self.context.append_basic_block(self.entry, "ok");
        self.builder.build_conditional_branch(bad, self.fail, ok).map_err(|e| e.to_string())?;
        self.builder.position_at_end(ok);
        Ok(())
    }

    /// A checked call of an operation that takes its site last.
    fn op(&self, name: &str, args: &[u64], site: u64) -> Built<()> {
        let mut all: Vec<BasicMetadataValueEnum<'ctx>> = args.iter().map(|a| self.int(*a).into()).collect();
        all.push(self.int(site).into());
        let status = self.call_value(name, &all)?;
        self.check(status)
    }

    fn push(&self, tag: u64, payload: IntValue<'ctx>, site: u64) -> Built<()> {
        let status = self.call_value("ovsm_push", &[self.int(tag).into(), payload.into(), self.int(site).into()])?;
        self.check(status)
    }

    /// A string object constant (its length as an i64, then its bytes), as an `i8*`.
    fn string(&mut self, bytes: &[u8]) -> PointerValue<'ctx> {
        if let Some(p) = self.strings.get(bytes) {
            return *p;
        }
        let name = format!("ovsm.const.{}", self.strings.len());
        let p = self.constant_object(&name, &crate::support::object_bytes(&[bytes.len() as u64], bytes));
        self.strings.insert(bytes.to_vec(), p);
        p
    }

    /// A private constant of `contents`, 8-aligned, as an `i8*`: a byte array, never a struct
    /// (support.rs, `object_bytes`, says why).
    fn constant_object(&mut self, name: &str, contents: &[u8]) -> PointerValue<'ctx> {
        let i8t = self.context.i8_type();
        let global = self.module.add_global(i8t.array_type(contents.len() as u32), None, name);
        global.set_linkage(Linkage::Private);
        global.set_constant(true);
        global.set_alignment(8);
        global.set_initializer(&self.context.const_string(contents, false));
        global.as_pointer_value().const_cast(i8t.ptr_type(AddressSpace::default()))
    }

    fn string_int(&mut self, bytes: &[u8]) -> IntValue<'ctx> {
        self.string(bytes).const_to_int(self.i64t)
    }

    fn new_return(&mut self, target: BasicBlock<'ctx>) -> u64 {
        let id = self.next_return;
        self.next_return += 1;
        self.resume_targets.push((id, target));
        id
    }

    /// Builds the whole program.
    pub fn lower(&mut self) -> Built<()> {
        let program = self.program;
        let needed = reachable(program);
        self.skipped = unused_definitions(program, &needed);
        self.keeps_top_level = top_level_reads_chain(program);
        self.writes_state = writes_state(program, &needed) || self.keeps_top_level;
        let evaluated_once = program.programs.iter().flat_map(|d| &d.handlers).any(|(_, f, _)| !plain_handler(program, *f));
        self.hands_back = evaluated_once || assigns_boxes(program, &needed);
        self.installs = self.keeps_top_level || evaluated_once;
        if self.keeps_top_level {
            self.remade = remade_definitions(program);
        }
        // Blocks first, so jumps and calls can name blocks of code not yet emitted.
        let mut blocks: HashMap<u32, (BasicBlock<'ctx>, Vec<BasicBlock<'ctx>>)> = HashMap::new();
        for id in &needed {
            let Some(f) = program.function(FuncId(*id)) else { continue };
            let entry = self.context.append_basic_block(self.entry, &format!("f{id}"));
            let code = (0..=f.code.len()).map(|pc| self.context.append_basic_block(self.entry, &format!("f{id}.{pc}"))).collect();
            blocks.insert(*id, (entry, code));
            self.function_entries.push((u64::from(*id), entry));
        }

        // The start: initialise, then run each top-level entry in order.
        let start = self.context.prepend_basic_block(self.fail, "start");
        self.builder.position_at_end(start);
        self.call("ovsm_init", &[self.int(program.globals.len() as u64).into(), self.int(self.max_depth).into()])?;
        // A script without autonomous programs reads no input: it is a plain Solana program
        // that imports only agave's syscalls.
        let autonomous = !program.programs.is_empty();
        if autonomous {
            let input = self.entry.get_first_param().ok_or("entrypoint has no input")?;
            let status = self.call_value("ovsm_read_input", &[input.into()])?;
            self.check(status)?;
        }
        let entries: Vec<u32> = program.entries.iter().map(|f| f.0).collect();
        let runs: Vec<BasicBlock<'ctx>> = entries.iter().map(|_| self.context.append_basic_block(self.entry, "run")).collect();
        let done = self.context.append_basic_block(self.entry, "done");
        let top_level = *runs.first().unwrap_or(&done);
        if autonomous && self.keeps_top_level {
            self.definitions_or_top_level(top_level, done, &needed)?;
        } else {
            self.builder.build_unconditional_branch(top_level).map_err(|e| e.to_string())?;
        }
        for (k, id) in entries.iter().enumerate() {
            let (Some(run), Some((function_entry, _))) = (runs.get(k), blocks.get(id)) else { continue };
            self.builder.position_at_end(*run);
            // An entry that does nothing is not entered (a call and a return, some 75 compute
            // units of every run and invocation), unless its value is the run's.
            if let (Some(next), Some(f)) = (runs.get(k + 1), program.function(FuncId(*id))) {
                if does_nothing(f, *id, &self.skipped, &needed) {
                    self.builder.build_unconditional_branch(*next).map_err(|e| e.to_string())?;
                    continue;
                }
            }
            let after = self.context.append_basic_block(self.entry, "after");
            let ret = self.new_return(after);
            let site = self.sites.add(program.function(FuncId(*id)).map_or(Span::SYNTHETIC, |f| f.span));
            self.op("op_enter_entry", &[ret], site)?;
            self.builder.build_unconditional_branch(*function_entry).map_err(|e| e.to_string())?;
            self.builder.position_at_end(after);
            match runs.get(k + 1) {
                Some(next) => {
                    self.call("op_pop", &[])?;
                    self.builder.build_unconditional_branch(*next).map_err(|e| e.to_string())?;
                }
                None => {
                    self.builder.build_unconditional_branch(done).map_err(|e| e.to_string())?;
                }
            }
        }
        self.builder.position_at_end(done);
        if entries.is_empty() {
            self.push(0, self.int(0), 0)?;
        }
        if autonomous {
            self.invocation()?;
        } else {
            let status = self.call_value("ovsm_finish", &[self.int(0).into()])?;
            self.builder.build_return(Some(&status)).map_err(|e| e.to_string())?;
        }

        // A failure resumes at the innermost `try` handler that may catch it, or ends the run.
        self.builder.position_at_end(self.fail);
        let resume = self.call_value("ovsm_catch", &[])?;
        let uncaught = self.builder.build_int_compare(IntPredicate::EQ, resume, self.int(0), "").map_err(|e| e.to_string())?;
        let finish = self.context.append_basic_block(self.entry, "uncaught");
        let caught = self.context.append_basic_block(self.entry, "caught");
        self.builder.build_conditional_branch(uncaught, finish, caught).map_err(|e| e.to_string())?;
        self.builder.position_at_end(caught);
        self.resume_in.push((resume, caught));
        self.builder.build_unconditional_branch(self.resume).map_err(|e| e.to_string())?;
        self.builder.position_at_end(finish);
        let status = self.call_value("ovsm_finish", &[self.int(1).into()])?;
        self.builder.build_return(Some(&status)).map_err(|e| e.to_string())?;

        for id in &needed {
            let (Some(f), Some((entry, code))) = (program.function(FuncId(*id)), blocks.get(id)) else { continue };
            self.function(*id, f, *entry, code)?;
        }
        self.switches()
    }

    /// After the top level: a script run announces the programs the source declares and
    /// reports its value; an autonomous invocation (the top level re-run in silence) loads the
    /// program's state, runs the clause, handler or callback the runtime asked for, and saves
    /// the state back (support/auto.ll has the ABI).
    fn invocation(&mut self) -> Built<()> {
        let err = |e: inkwell::builder::BuilderError| e.to_string();
        let program = self.program;
        let mode = self.call_value("ovsm_mode", &[])?;
        let script = self.context.append_basic_block(self.entry, "script.done");
        let invoked = self.context.append_basic_block(self.entry, "invocation");
        let top = self.builder.build_int_compare(IntPredicate::EQ, mode, self.int(0), "").map_err(err)?;
        self.builder.build_conditional_branch(top, script, invoked).map_err(err)?;

        self.builder.position_at_end(script);
        for decl in &program.programs {
            // What the program's deployment must run (support/auto.ll, mode 4), after the count
            // and a `/`: `T` to keep the top level's globals, then per handler `E` for one
            // evaluated once, `-` if not.
            let mut install = String::from(if self.keeps_top_level { "T" } else { "-" });
            install.extend(decl.handlers.iter().map(|(_, f, _)| if plain_handler(program, *f) { '-' } else { 'E' }));
            let mut text = format!("p{}\t{}/{install}", decl.name, decl.startup.len());
            for (event, _, span) in &decl.handlers {
                if event.contains(['\t', '\n']) {
                    self.unsupported.push(unsupported("an event id with a tab or a line break", *span));
                }
                text.push('\t');
                text.push_str(event);
            }
            let text = self.string(text.as_bytes());
            self.call("ovsm_announce", &[text.into()])?;
        }
        let status = self.call_value("ovsm_finish", &[self.int(0).into()])?;
        self.builder.build_return(Some(&status)).map_err(err)?;

        self.builder.position_at_end(invoked);
        self.call("op_pop", &[])?;
        if self.writes_state {
            let status = self.call_value("ovsm_load_state", &[])?;
            self.check(status)?;
        } else {
            self.call("ovsm_unmute", &[])?;
        }
        let finished = self.context.append_basic_block(self.entry, "invocation.end");
        let after = self.new_return(finished);
        let no_target = self.context.append_basic_block(self.entry, "invocation.unknown");
        let startup = self.context.append_basic_block(self.entry, "invocation.startup");
        let handler = self.context.append_basic_block(self.entry, "invocation.handler");
        let callback = self.context.append_basic_block(self.entry, "invocation.callback");
        let mode = self.call_value("ovsm_mode", &[])?;
        let mut cases = vec![(self.int(1), startup), (self.int(2), handler), (self.int(3), callback)];
        if self.installs {
            let install = self.context.append_basic_block(self.entry, "invocation.install");
            cases.push((self.int(4), install));
            let here = self.builder.get_insert_block();
            self.install(install, finished)?;
            if let Some(block) = here {
                self.builder.position_at_end(block);
            }
        }
        self.builder.build_switch(mode, no_target, &cases).map_err(err)?;

        self.builder.position_at_end(no_target);
        let message = self.string(b"internal error: the runtime asked for code this program does not have");
        self.call_value("ovsm_fail_literal", &[self.int(299).into(), message.into(), self.int(0).into()])?;
        self.builder.build_unconditional_branch(self.fail).map_err(err)?;

        // A handler's expression is evaluated (a thunk), then called with the event's data; a
        // lambda without captures is made in place (`direct_handler_case`), and when every
        // handler is one, no thunk returns to `handler_got` and it needs no return id.
        let handler_got = self.context.append_basic_block(self.entry, "invocation.handler.call");
        let thunked = program
            .programs
            .iter()
            .flat_map(|d| &d.handlers)
            .any(|(_, f, _)| plain_handler(program, *f) && direct_handler(program, *f).is_none());
        let got = if thunked { self.new_return(handler_got) } else { after };
        for (which, block, ret) in [(0, startup, after), (1, handler, got)] {
            self.builder.position_at_end(block);
            let target = self.call_value("ovsm_target", &[])?;
            let mut cases = Vec::new();
            for (p, decl) in program.programs.iter().enumerate() {
                let thunks: Vec<(FuncId, Span)> = if which == 0 {
                    decl.startup.iter().map(|f| (*f, decl.span)).collect()
                } else {
                    decl.handlers.iter().map(|(_, f, span)| (*f, *span)).collect()
                };
                for (k, (thunk, span)) in thunks.iter().enumerate() {
                    if which == 1 && !plain_handler(program, *thunk) {
                        continue; // evaluated once, at deployment: the runtime calls what it gave
                    }
                    let Some(function_entry) = self.function_entries.iter().find(|(id, _)| *id == u64::from(thunk.0)).map(|(_, b)| *b)
                    else {
                        continue;
                    };
                    let direct = if which == 1 { direct_handler(program, *thunk) } else { None };
                    let case = match direct {
                        Some(function) => self.direct_handler_case(*thunk, function, handler_got)?,
                        None => self.clause_case(function_entry, *span, ret, false)?,
                    };
                    cases.push((self.int(((p as u64) << 32) | k as u64), case));
                }
            }
            self.builder.position_at_end(block);
            self.builder.build_switch(target, no_target, &cases).map_err(err)?;
        }

        // The callee is on top (a handler) or comes with the invocation (a callback).
        self.builder.position_at_end(callback);
        let status = self.call_value("ovsm_push_callee", &[self.int(0).into()])?;
        self.check(status)?;
        self.builder.build_unconditional_branch(handler_got).map_err(err)?;
        self.builder.position_at_end(handler_got);
        let argc = self.call_value("ovsm_push_args", &[self.int(0).into()])?;
        // -1 after an error (the stack is full, the data malformed)
        let failed = self.builder.build_int_compare(IntPredicate::SLT, argc, self.int(0), "failed").map_err(err)?;
        self.branch_unless(failed)?;
        let fid = self.call_value("op_call", &[argc.into(), self.int(after).into(), self.int(0).into()])?;
        self.jump_to_function(fid, argc, after, true, 0, None)?;

        self.builder.position_at_end(finished);
        if self.writes_state {
            let status = self.call_value("ovsm_save_state", &[])?;
            self.check(status)?;
        }
        if self.hands_back {
            let status = self.call_value("ovsm_hand_back", &[])?;
            self.check(status)?;
        }
        let status = self.call_value("ovsm_end_invocation", &[])?;
        self.builder.build_return(Some(&status)).map_err(err)?;
        Ok(())
    }

    /// A case of a switch on the invocation's target: enters the function of a clause or a
    /// handler, which returns to `ret`; for an install, first noting the handler's site for
    /// `ovsm_take_handler`'s error.
    fn clause_case(&mut self, function_entry: BasicBlock<'ctx>, span: Span, ret: u64, install: bool) -> Built<BasicBlock<'ctx>> {
        let case = self.context.append_basic_block(self.entry, if install { "invocation.install.handler" } else { "invocation.clause" });
        self.builder.position_at_end(case);
        let site = self.sites.add(span);
        if install {
            self.call("ovsm_install_site", &[self.int(site).into()])?;
        }
        self.op("op_enter_entry", &[ret], site)?;
        self.builder.build_unconditional_branch(function_entry).map_err(|e| e.to_string())?;
        Ok(case)
    }

    /// A case of the switch on an `on-event` handler whose expression is a lambda without
    /// captures (`reach::direct_handler`): makes the closure the expression would return and
    /// goes on to `call`, the call with the event's data that every handler and callback shares
    /// (one call site of its support functions keeps them inlined there).
    fn direct_handler_case(&mut self, thunk: FuncId, function: FuncId, call: BasicBlock<'ctx>) -> Built<BasicBlock<'ctx>> {
        let program = self.program;
        let case = self.context.append_basic_block(self.entry, "invocation.handler.direct");
        self.builder.position_at_end(case);
        let expression = program.function(thunk).ok_or_else(|| format!("handler f{} of a missing function", thunk.0))?;
        // The site the expression's own `Closure` would fail at (out of memory).
        let site = self.sites.add(expression.spans.first().copied().unwrap_or(expression.span));
        self.closure_without_captures(function, site)?;
        self.builder.build_unconditional_branch(call).map_err(|e| e.to_string())?;
        Ok(case)
    }

    /// Pushes a new closure of `function`, which captures nothing, failing at `site` when the
    /// heap is full.
    fn closure_without_captures(&mut self, function: FuncId, site: u64) -> Built<()> {
        let callee = self.program.function(function).ok_or_else(|| format!("closure of a missing function f{}", function.0))?;
        let name = self.string(callee.name.as_bytes());
        let args = [self.int(u64::from(function.0)).into(), name.into(), self.int(0).into(), self.int(site).into()];
        let status = self.call_value("op_closure", &args)?;
        self.check(status)
    }

    /// In a program whose top level reads the chain, an invocation after the install (modes 1
    /// to 3) does not re-run the top level: it makes again only the definitions that need not be
    /// kept (`reach::remade_definitions`), and its state, loaded next, holds everything else the
    /// top level made once, at deployment, as in the interpreter. The top level itself (mode 0)
    /// and an install (mode 4) run `top_level`.
    fn definitions_or_top_level(&mut self, top_level: BasicBlock<'ctx>, done: BasicBlock<'ctx>, needed: &BTreeSet<u32>) -> Built<()> {
        let err = |e: inkwell::builder::BuilderError| e.to_string();
        let program = self.program;
        let definitions = self.context.append_basic_block(self.entry, "definitions");
        let mode = self.call_value("ovsm_mode", &[])?;
        let cases = [(self.int(1), definitions), (self.int(2), definitions), (self.int(3), definitions)];
        self.builder.build_switch(mode, top_level, &cases).map_err(err)?;
        self.builder.position_at_end(definitions);
        for definition in self.remade.clone() {
            match definition {
                Definition::Function { function, .. } if !needed.contains(&function.0) => continue,
                Definition::Function { function, global, .. } => {
                    let Some(callee) = program.function(function) else { continue };
                    let site = self.sites.add(callee.span);
                    self.closure_without_captures(function, site)?;
                    self.call("ovsm_define_top", &[self.int(u64::from(global.0)).into()])?;
                }
                Definition::Builtin { builtin, global, .. } => {
                    let name = ovsm_stdlib::get(builtin).map_or("?", |b| b.name);
                    if !DYNAMIC_BUILTINS.contains(&name) {
                        continue; // the top level's lowering reported it
                    }
                    let descriptor = self.builtin_descriptor(builtin.0, name);
                    self.push(9, descriptor, 0)?;
                    self.call("ovsm_define_top", &[self.int(u64::from(global.0)).into()])?;
                }
            }
        }
        self.push(0, self.int(0), 0)?;
        self.builder.build_unconditional_branch(done).map_err(err)?;
        Ok(())
    }

    /// Mode 4, an install (at deployment, where the interpreter evaluates `on-event` handlers):
    /// keeps the top level's globals if it reads the chain, then evaluates the handler asked
    /// for, if any, and hands its value back (support/auto.ll, ovsm_take_handler).
    fn install(&mut self, install: BasicBlock<'ctx>, finished: BasicBlock<'ctx>) -> Built<()> {
        let err = |e: inkwell::builder::BuilderError| e.to_string();
        let program = self.program;
        self.builder.position_at_end(install);
        if self.keeps_top_level {
            // Everything the top level made, but what later invocations make again.
            self.call("ovsm_keep_top_level", &[])?;
            for definition in self.remade.clone() {
                self.call("ovsm_unkeep", &[self.int(u64::from(definition.global().0)).into()])?;
            }
        }
        let install_none = self.context.append_basic_block(self.entry, "invocation.install.none");
        let installed = self.context.append_basic_block(self.entry, "invocation.installed");
        let installed_ret = self.new_return(installed);
        let target = self.call_value("ovsm_target", &[])?;
        let mut cases = Vec::new();
        for (p, decl) in program.programs.iter().enumerate() {
            for (k, (_, thunk, span)) in decl.handlers.iter().enumerate() {
                let entry = self.function_entries.iter().find(|(id, _)| *id == u64::from(thunk.0)).map(|(_, b)| *b);
                let Some(function_entry) = entry.filter(|_| !plain_handler(program, *thunk)) else { continue };
                let case = self.clause_case(function_entry, *span, installed_ret, true)?;
                cases.push((self.int(((p as u64) << 32) | k as u64), case));
            }
        }
        self.builder.position_at_end(install);
        self.builder.build_switch(target, install_none, &cases).map_err(err)?;
        // Only the top level to keep: the invocation's value is nil.
        self.builder.position_at_end(install_none);
        self.push(0, self.int(0), 0)?;
        self.builder.build_unconditional_branch(finished).map_err(err)?;
        self.builder.position_at_end(installed);
        let status = self.call_value("ovsm_take_handler", &[])?;
        self.check(status)?;
        self.builder.build_unconditional_branch(finished).map_err(err)?;
        Ok(())
    }

    fn switches(&mut self) -> Built<()> {
        let internal = self.context.append_basic_block(self.entry, "internal");
        self.builder.position_at_end(internal);
        let message = self.string(b"internal error: jump to code that was not compiled");
        self.call_value("ovsm_fail_literal", &[self.int(299).into(), message.into(), self.int(0).into()])?;
        self.builder.build_unconditional_branch(self.fail).map_err(|e| e.to_string())?;
        self.builtin_block(internal)?;

        self.return_hubs()?;
        let function_entries = self.function_entries.clone();
        let resume_targets = self.resume_targets.clone();
        self.switch_on(self.dispatch, "fid", &self.dispatch_in, &function_entries, internal)?;
        self.switch_on(self.resume, "rid", &self.resume_in, &resume_targets, internal)
    }

    /// Ends `block` with a switch on the value its predecessors bring (`incoming`) to `targets`.
    fn switch_on(
        &self,
        block: BasicBlock<'ctx>,
        name: &str,
        incoming: &[(IntValue<'ctx>, BasicBlock<'ctx>)],
        targets: &[(u64, BasicBlock<'ctx>)],
        otherwise: BasicBlock<'ctx>,
    ) -> Built<()> {
        self.builder.position_at_end(block);
        let phi = self.builder.build_phi(self.i64t, name).map_err(|e| e.to_string())?;
        for (v, b) in incoming {
            phi.add_incoming(&[(v, *b)]);
        }
        let cases: Vec<(IntValue<'ctx>, BasicBlock<'ctx>)> = targets.iter().map(|(id, b)| (self.int(*id), *b)).collect();
        self.builder.build_switch(phi.as_basic_value().into_int_value(), otherwise, &cases).map_err(|e| e.to_string())?;
        Ok(())
    }

    fn function(&mut self, id: u32, f: &Function, entry: BasicBlock<'ctx>, code: &[BasicBlock<'ctx>]) -> Built<()> {
        self.current = id;
        self.builder.position_at_end(entry);
        let site = self.sites.add(f.span);
        let p = f.params;
        self.owned = crate::owned::owned_locals(self.program, f);
        // (the slots of inlined prelude code whose array grows in place there, inline.rs)
        self.owned.extend(self.inlined_owned.get(&id).into_iter().flatten());
        self.owned.sort_unstable();
        self.owned.dedup();
        // the hidden slots start nil, as every local does: no array has room yet
        let slots = u64::from(f.n_slots) + self.owned.len() as u64;
        if p.optional == 0 && !p.rest {
            self.op("op_enter_fixed", &[u64::from(p.required), slots], site)?;
        } else {
            self.op("op_enter", &[u64::from(p.required), u64::from(p.optional), u64::from(p.rest), slots], site)?;
        }
        let first = code.first().copied().ok_or("empty function")?;
        self.builder.build_unconditional_branch(first).map_err(|e| e.to_string())?;
        let jumped_to: std::collections::HashSet<u32> = f.code.iter().filter_map(jump_target).collect();
        for (pc, instr) in f.code.iter().enumerate() {
            let (Some(here), Some(next)) = (code.get(pc), code.get(pc + 1)) else { continue };
            self.builder.position_at_end(*here);
            if self.has_deferred() && jumped_to.contains(&(pc as u32)) {
                return Err(format!("values deferred at the jump target f{id}.{pc}"));
            }
            let span = f.spans.get(pc).copied().unwrap_or(f.span);
            let target = |t: &u32| code.get(*t as usize).copied().ok_or_else(|| format!("jump to {t} outside the function"));
            // A `for` loop's step and the store of its variable, `IterNext; SetLocal d`, as one
            // operation that writes the item into the local (no push and pop), unless something
            // jumps to the SetLocal alone. Its block stays, unreachable, for LLVM to drop.
            let into = match (instr, f.code.get(pc + 1), code.get(pc + 2)) {
                (Instr::IterNext(a, b, t) | Instr::RangeNext(a, b, t), Some(Instr::SetLocal(d)), Some(after))
                    if !jumped_to.contains(&(pc as u32 + 1)) && !self.skipped.contains(&(id, pc)) =>
                {
                    Some((*a, *b, *d, *t, *after))
                }
                _ => None,
            };
            if let Some((a, b, d, t, after)) = into {
                self.flush()?;
                let op = if matches!(instr, Instr::IterNext(..)) { "op_iter_next_into" } else { "op_range_next_into" };
                let arg = |v: u16| self.int(u64::from(v)).into();
                let r = self.call_value(op, &[arg(a), arg(b), arg(d)])?;
                let cases = [(self.int(1), after), (self.int(0), target(&t)?)];
                self.builder.build_switch(r, self.fail, &cases).map_err(|e| e.to_string())?;
                continue;
            }
            // Left out, an instruction is a plain fall-through: deferred values stay deferred.
            if self.skipped.contains(&(id, pc)) {
                self.builder.build_unconditional_branch(*next).map_err(|e| e.to_string())?;
                continue;
            }
            let site = self.sites.add(span);
            let joins = jumped_to.contains(&(pc as u32 + 1));
            let falls = match self.deferred_instruction(instr, site, *next, joins, &target)? {
                Some(falls) => falls,
                None => {
                    self.flush()?;
                    self.instruction(instr, span, site, *next, &target)?
                }
            };
            let carried = std::mem::take(&mut self.carried);
            if falls {
                // Control reaches a jump target by more than one path: the stack is in memory there.
                if joins {
                    self.flush()?;
                }
                self.builder.build_unconditional_branch(*next).map_err(|e| e.to_string())?;
            } else if self.has_deferred() && !carried {
                return Err(format!("values deferred past f{id}.{pc}, which does not fall through"));
            }
        }
        // Falling off the end cannot happen (lowering ends every function with Return), but the
        // block must end somewhere.
        if let Some(end) = code.last() {
            self.builder.position_at_end(*end);
            self.builder.build_unconditional_branch(self.fail).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Emits one instruction at `site` on the value stack in memory (lower/deferred.rs lowers
    /// the others, and flushes before this); returns whether control falls through to the next.
    fn instruction(
        &mut self,
        instr: &Instr,
        span: Span,
        site: u64,
        next: BasicBlock<'ctx>,
        target: &dyn Fn(&u32) -> Built<BasicBlock<'ctx>>,
    ) -> Built<bool> {
        let i = |v: u16| u64::from(v);
        match instr {
            // Lowered on deferred values, always (lower/deferred.rs).
            Instr::Nil
            | Instr::True
            | Instr::False
            | Instr::Int(_)
            | Instr::Local(_)
            | Instr::SetLocal(_)
            | Instr::LocalBoxed(_)
            | Instr::SetLocalBoxed(_)
            | Instr::Captured(_)
            | Instr::CapturedBoxed(_)
            | Instr::SetCapturedBoxed(_)
            | Instr::Global(_)
            | Instr::SetGlobal(_)
            | Instr::DefineGlobal(_)
            | Instr::Dup
            | Instr::JumpIfFalse(_)
            | Instr::JumpIfNotNil(_)
            | Instr::JumpIfNotLtImm(..)
            | Instr::Add
            | Instr::Sub
            | Instr::Mul
            | Instr::AddImm(_)
            | Instr::SubImm(_)
            | Instr::Lt
            | Instr::Le
            | Instr::Gt
            | Instr::Ge
            | Instr::NumEq => return Err(format!("{instr:?} reached the memory lowering")),
            // An array or map constant (deferred.rs defers the others).
            Instr::Const(c) => {
                let constant = self.program.constants.get(*c as usize).cloned().ok_or("constant out of range")?;
                self.constant(&constant, site)?;
            }
            Instr::BoxLocal(n) => self.op("op_box_local", &[i(*n)], site)?,
            // With nothing deferred.
            Instr::Pop => {
                self.call("op_pop", &[])?;
            }
            Instr::Jump(t) => {
                self.builder.build_unconditional_branch(target(t)?).map_err(|e| e.to_string())?;
                return Ok(false);
            }
            Instr::JumpIfDeep(frames, t) => {
                let deep = self.call_value("ovsm_too_deep", &[self.int(u64::from(*frames)).into()])?;
                let jump = self.builder.build_int_compare(IntPredicate::NE, deep, self.int(0), "deep").map_err(|e| e.to_string())?;
                self.builder.build_conditional_branch(jump, target(t)?, next).map_err(|e| e.to_string())?;
                return Ok(false);
            }
            Instr::JumpIfFalseKeep(t) | Instr::JumpIfTrueKeep(t) => {
                let v = self.call_value("op_top_truthy", &[])?;
                let want = u64::from(matches!(instr, Instr::JumpIfTrueKeep(_)));
                let jump = self.builder.build_int_compare(IntPredicate::EQ, v, self.int(want), "").map_err(|e| e.to_string())?;
                let pop = self.context.append_basic_block(self.entry, "keep.pop");
                self.builder.build_conditional_branch(jump, target(t)?, pop).map_err(|e| e.to_string())?;
                self.builder.position_at_end(pop);
                self.call("op_pop", &[])?;
            }
            Instr::Closure(id) => {
                let callee = self.program.function(*id).ok_or("closure of a missing function")?;
                let name = self.string(callee.name.as_bytes());
                let ncap = callee.captures.len() as u64;
                let captures = callee.captures.clone();
                let status = self.call_value(
                    "op_closure",
                    &[self.int(u64::from(id.0)).into(), name.into(), self.int(ncap).into(), self.int(site).into()],
                )?;
                self.check(status)?;
                for (k, capture) in captures.iter().enumerate() {
                    let (outer, index) = match capture {
                        Capture::Local(n) => (0, *n),
                        Capture::Outer(n) => (1, *n),
                    };
                    self.call("op_capture", &[self.int(k as u64).into(), self.int(outer).into(), self.int(i(index)).into()])?;
                }
            }
            Instr::CallGlobal(g, n) => {
                self.call_global(*g, *n, site, next, false)?;
                return Ok(false);
            }
            Instr::Call(n) => {
                let ret = self.new_return(next);
                self.note_return(ret, next, None, Some(u16::from(*n)));
                let fid = self.call_value("op_call", &[self.int(u64::from(*n)).into(), self.int(ret).into(), self.int(site).into()])?;
                self.jump_to_function(fid, self.int(u64::from(*n)), ret, true, site, None)?;
                return Ok(false);
            }
            Instr::TailCall(n) | Instr::TailCallGlobal(_, n) => {
                let guessed = match instr {
                    Instr::TailCallGlobal(g, _) => self.guessed_callee(g.0),
                    _ => None,
                };
                let fid = match instr {
                    Instr::TailCallGlobal(g, _) => {
                        let name = self.string(self.program.global_name(*g).as_bytes());
                        let args = [self.int(u64::from(g.0)).into(), self.int(u64::from(*n)).into(), name.into(), self.int(site).into()];
                        self.call_value("op_tail_call_global", &args)?
                    }
                    _ => self.call_value("op_tail_call", &[self.int(u64::from(*n)).into(), self.int(site).into()])?,
                };
                self.jump_to_function(fid, self.int(u64::from(*n)), 0, matches!(instr, Instr::TailCall(_)), site, guessed)?;
                return Ok(false);
            }
            Instr::Return => {
                let rid = self.call_value("op_ret", &[])?;
                self.return_from(self.current, rid)?;
                return Ok(false);
            }
            Instr::MakeArray(n) => self.op("op_make_array", &[u64::from(*n)], site)?,
            Instr::CallBuiltin(b, n) => {
                let name = ovsm_stdlib::get(*b).map_or("?", |b| b.name);
                self.builtin(name, u64::from(*n), span, site)?;
            }
            Instr::BuiltinRef(b) => {
                let name = ovsm_stdlib::get(*b).map_or("?", |b| b.name);
                if DYNAMIC_BUILTINS.contains(&name) {
                    let descriptor = self.builtin_descriptor(b.0, name);
                    self.push(9, descriptor, site)?;
                } else {
                    self.unsupported.push(unsupported(&format!("`{name}` as a function value"), span));
                }
            }
            Instr::UpdateLocal(n, op) | Instr::UpdateLocalBoxed(n, op) | Instr::UpdateCapturedBoxed(n, op) => {
                let kind = match instr {
                    Instr::UpdateLocal(..) => 0,
                    Instr::UpdateLocalBoxed(..) => 1,
                    _ => 2,
                };
                let owned = self.owned.iter().position(|x| x == n).filter(|_| kind == 0 && *op == UpdateOp::Push);
                if let Some(k) = owned {
                    let hidden = self.program.function(FuncId(self.current)).map_or(0, |f| u64::from(f.n_slots)) + k as u64;
                    self.op("op_update_push_owned", &[i(*n), hidden], site)?;
                } else {
                    match op {
                        UpdateOp::Assoc => self.op("op_update_assoc", &[kind, i(*n)], site)?,
                        _ => self.op("op_update_append", &[kind, i(*n), u64::from(*op == UpdateOp::Push)], site)?,
                    }
                }
            }
            Instr::UpdateGlobal(g, op) => {
                // An undefined global is the interpreter's `undefined variable` error.
                let name = self.string(self.program.global_name(*g).as_bytes());
                let status = self.call_value("op_global", &[self.int(u64::from(g.0)).into(), name.into(), self.int(site).into()])?;
                self.check(status)?;
                self.call("op_pop", &[])?;
                match op {
                    UpdateOp::Assoc => self.op("op_update_assoc", &[3, u64::from(g.0)], site)?,
                    _ => self.op("op_update_append", &[3, u64::from(g.0), u64::from(*op == UpdateOp::Push)], site)?,
                }
            }
            Instr::IterStart => self.op("op_iter_start", &[], site)?,
            Instr::IterNext(a, b, t) | Instr::RangeNext(a, b, t) => {
                let f = if matches!(instr, Instr::IterNext(..)) { "op_iter_next" } else { "op_range_next" };
                let r = self.call_value(f, &[self.int(i(*a)).into(), self.int(i(*b)).into(), self.int(site).into()])?;
                let cases = [(self.int(1), next), (self.int(0), target(t)?)];
                self.builder.build_switch(r, self.fail, &cases).map_err(|e| e.to_string())?;
                return Ok(false);
            }
            Instr::MakeMap(n) => self.op("op_make_map", &[u64::from(*n)], site)?,
            Instr::TryBegin(t) => {
                let resume = self.new_return(target(t)?);
                self.op("op_try_begin", &[resume], site)?;
            }
            Instr::TryEnd => {
                self.call("op_try_end", &[])?;
            }
        }
        Ok(true)
    }

    /// After a call instruction: `fid` is a function id to run, -1 after an error, or -2 - id for
    /// a builtin held as a value, which runs in the shared `builtin` block.
    fn jump_to_function(
        &mut self,
        fid: IntValue<'ctx>,
        argc: IntValue<'ctx>,
        ret: u64,
        has_callee: bool,
        site: u64,
        guessed: Option<(u32, BasicBlock<'ctx>)>,
    ) -> Built<()> {
        let err = |e: inkwell::builder::BuilderError| e.to_string();
        let failed = self.builder.build_int_compare(IntPredicate::EQ, fid, self.sint(-1), "").map_err(err)?;
        self.branch_unless(failed)?;
        let is_builtin = self.builder.build_int_compare(IntPredicate::SLT, fid, self.int(0), "").map_err(err)?;
        let to_builtin = self.context.append_basic_block(self.entry, "call.builtin");
        let to_function = self.context.append_basic_block(self.entry, "call.function");
        self.builder.build_conditional_branch(is_builtin, to_builtin, to_function).map_err(err)?;
        self.builder.position_at_end(to_builtin);
        let id = self.builder.build_int_sub(self.sint(-2), fid, "builtin.id").map_err(err)?;
        self.builtin_in.push([id, argc, self.int(ret), self.int(u64::from(has_callee)), self.int(site)]);
        self.builtin_from.push(to_builtin);
        self.builder.build_unconditional_branch(self.builtin).map_err(err)?;
        self.builder.position_at_end(to_function);
        self.enter_function(fid, guessed)
    }

    /// A call of the function in global `g` with its `n` arguments on the value stack. With
    /// `slotted`, a slot lies below them (lower/deferred.rs leaves one when it stores deferred
    /// arguments), and the frame record goes there; without, the record needs the first
    /// argument's slot and the arguments move up one.
    pub(super) fn call_global(&mut self, g: GlobalId, n: u8, site: u64, next: BasicBlock<'ctx>, slotted: bool) -> Built<()> {
        let ret = self.new_return(next);
        let guessed = self.guessed_callee(g.0);
        self.note_return(ret, next, guessed.map(|(f, _)| f), None);
        let name = self.string(self.program.global_name(g).as_bytes());
        let args =
            [self.int(u64::from(g.0)).into(), self.int(u64::from(n)).into(), self.int(ret).into(), name.into(), self.int(site).into()];
        let op = if slotted { "op_call_global_slotted" } else { "op_call_global" };
        let fid = self.call_value(op, &args)?;
        // A builtin in the global runs on the arguments, and the slot below takes its result.
        self.jump_to_function(fid, self.int(u64::from(n)), ret, slotted, site, guessed)
    }

    /// The shared block that runs a builtin called as a value, with its argument count known
    /// only at run time, then returns to the call's continuation (or, for a tail call, from the
    /// calling function).
    fn builtin_block(&mut self, internal: BasicBlock<'ctx>) -> Built<()> {
        let err = |e: inkwell::builder::BuilderError| e.to_string();
        self.builder.position_at_end(self.builtin);
        let names = ["id", "argc", "ret", "callee", "site"];
        let mut phis = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let phi = self.builder.build_phi(self.i64t, name).map_err(err)?;
            for (values, from) in self.builtin_in.iter().zip(&self.builtin_from) {
                if let Some(v) = values.get(k) {
                    phi.add_incoming(&[(v, *from)]);
                }
            }
            phis.push(phi.as_basic_value().into_int_value());
        }
        let [id, argc, ret, callee, site] = phis.as_slice() else { return Err("builtin phis".into()) };
        let (id, argc, ret, callee, site) = (*id, *argc, *ret, *callee, *site);
        let done = self.context.append_basic_block(self.entry, "builtin.done");
        let mut cases = Vec::new();
        // Only the builtins the program takes as values can be called this way.
        let referenced: Vec<u16> = self.descriptors.keys().copied().collect();
        for index in referenced {
            let Some(b) = ovsm_stdlib::get(ovsm_stdlib::BuiltinId(index)) else { continue };
            let block = self.context.append_basic_block(self.entry, &format!("builtin.{}", b.name));
            cases.push((self.int(index as u64), block));
            self.builder.position_at_end(block);
            // (`+` and `*` take any number of arguments.)
            if b.arity.min > 0 || b.arity.max.is_some() {
                let name = self.string(b.name.as_bytes());
                let max = b.arity.max.map_or(-1, i64::from);
                let args = [name.into(), self.int(u64::from(b.arity.min)).into(), self.sint(max).into(), argc.into(), site.into()];
                let status = self.call_value("ovsm_builtin_arity", &args)?;
                self.check(status)?;
            }
            if !self.builtin_op(b.name, argc, site)? {
                return Err(format!("no run-time form for the builtin `{}`", b.name));
            }
            self.builder.build_unconditional_branch(done).map_err(err)?;
        }
        self.builder.position_at_end(self.builtin);
        self.builder.build_switch(id, internal, &cases).map_err(err)?;

        self.builder.position_at_end(done);
        let collapse = self.context.append_basic_block(self.entry, "builtin.collapse");
        let returned = self.context.append_basic_block(self.entry, "builtin.returned");
        let has_callee = self.builder.build_int_compare(IntPredicate::NE, callee, self.int(0), "").map_err(err)?;
        self.builder.build_conditional_branch(has_callee, collapse, returned).map_err(err)?;
        self.builder.position_at_end(collapse);
        self.call("op_collapse", &[])?;
        self.builder.build_unconditional_branch(returned).map_err(err)?;
        self.builder.position_at_end(returned);
        let tail = self.builder.build_int_compare(IntPredicate::EQ, ret, self.int(0), "").map_err(err)?;
        let tail_block = self.context.append_basic_block(self.entry, "builtin.tail");
        let back = self.context.append_basic_block(self.entry, "builtin.back");
        self.builder.build_conditional_branch(tail, tail_block, back).map_err(err)?;
        self.builder.position_at_end(back);
        self.resume_in.push((ret, back));
        self.builder.build_unconditional_branch(self.resume).map_err(err)?;
        self.builder.position_at_end(tail_block);
        let rid = self.call_value("op_ret", &[])?;
        self.resume_in.push((rid, tail_block));
        self.builder.build_unconditional_branch(self.resume).map_err(err)?;
        Ok(())
    }

    /// A checked call whose arguments are run-time values.
    fn op_dynamic(&self, name: &str, args: &[IntValue<'ctx>]) -> Built<()> {
        let all: Vec<BasicMetadataValueEnum<'ctx>> = args.iter().map(|a| (*a).into()).collect();
        let status = self.call_value(name, &all)?;
        self.check(status)
    }

    /// The support operation a builtin compiles to, its argument count and site given as values:
    /// constants at a direct call, the shared block's phis for a builtin called as a value (its
    /// arity is checked before either). False when the back end has none.
    fn builtin_op(&mut self, name: &str, n: IntValue<'ctx>, site: IntValue<'ctx>) -> Built<bool> {
        let k = |v: u64| self.int(v);
        let emitted = match name {
            "+" => self.dynamic_arith(0, n, site),
            "-" => self.dynamic_arith(1, n, site),
            "*" => self.dynamic_arith(2, n, site),
            "/" => self.op_dynamic("op_variadic_arith", &[k(3), n, site]),
            "%" => self.op_dynamic("op_arith", &[k(4), site]),
            "<" => self.op_dynamic("op_compare", &[k(0), n, site]),
            "<=" => self.op_dynamic("op_compare", &[k(1), n, site]),
            ">" => self.op_dynamic("op_compare", &[k(2), n, site]),
            ">=" => self.op_dynamic("op_compare", &[k(3), n, site]),
            "=" => self.op_dynamic("op_equal", &[n, k(0), site]),
            "!=" => self.op_dynamic("op_equal", &[n, k(1), site]),
            "not" => self.op_dynamic("op_not", &[site]),
            "abs" => self.op_dynamic("op_abs", &[site]),
            "pow" => self.op_dynamic("op_pow", &[site]),
            "sqrt" => self.op_dynamic("op_float_fn", &[k(0), site]),
            "floor" => self.op_dynamic("op_float_fn", &[k(1), site]),
            "ceil" => self.op_dynamic("op_float_fn", &[k(2), site]),
            "round" => self.op_dynamic("op_float_fn", &[k(3), site]),
            "int" => self.op_dynamic("op_int", &[site]),
            "float" => self.op_dynamic("op_float", &[site]),
            "length" => self.op_dynamic("op_length", &[site]),
            "nth" => self.op_dynamic("op_nth", &[site]),
            "str" => self.op_dynamic("op_str", &[n, site]),
            "print" => self.op_dynamic("op_print", &[n, k(0), site]),
            "println" => self.op_dynamic("op_print", &[n, k(1), site]),
            "log" => self.op_dynamic("op_log", &[n, site]),
            "type-of" => self.op_dynamic("op_type_of", &[site]),
            "get" => self.op_dynamic("op_get", &[n, site]),
            "assoc" => self.op_dynamic("op_assoc", &[n, site]),
            "dissoc" => self.op_dynamic("op_dissoc", &[n, site]),
            "keys" => self.op_dynamic("op_map_items", &[k(0), site]),
            "values" => self.op_dynamic("op_map_items", &[k(1), site]),
            "has-key?" => self.op_dynamic("op_has_key", &[site]),
            "rest" => self.op_dynamic("op_rest", &[site]),
            "append" => self.op_dynamic("op_append", &[site]),
            "cons" => self.op_dynamic("op_cons", &[site]),
            "list" => self.op_dynamic("op_make_array", &[n, site]),
            "reverse" => self.op_dynamic("op_reverse", &[site]),
            "range" => self.op_dynamic("op_range", &[n, site]),
            "contains?" => self.op_dynamic("op_contains", &[site]),
            "substring" => self.op_dynamic("op_substring", &[site]),
            "to-upper" => self.op_dynamic("op_case", &[k(1), site]),
            "to-lower" => self.op_dynamic("op_case", &[k(0), site]),
            "trim" => self.op_dynamic("op_trim", &[site]),
            "join" => self.op_dynamic("op_join", &[n, site]),
            "slice" => self.op_dynamic("op_slice", &[site]),
            "min" => self.op_dynamic("op_extreme", &[k(0), n, site]),
            "max" => self.op_dynamic("op_extreme", &[k(1), n, site]),
            "empty?" => self.op_dynamic("op_is_empty", &[site]),
            "split" => self.op_dynamic("op_split", &[site]),
            "format" => self.op_dynamic("op_format", &[n, k(0), site]),
            "first" => self.op_dynamic("op_end_item", &[k(0), site]),
            "last" => self.op_dynamic("op_end_item", &[k(1), site]),
            "%sort" => self.op_dynamic("op_sort", &[site]),
            "%range-bound" => self.op_dynamic("op_range_bound", &[site]),
            "read-field" => self.op_dynamic("op_read_field", &[n, site]),
            "write-field" => self.op_dynamic("op_write_field", &[site]),
            "transfer-lamports" => self.op_dynamic("op_transfer", &[site]),
            "get-account" => self.op_dynamic("op_get_account", &[site]),
            "get-current-slot" => self.op_dynamic("op_invocation", &[k(0), site]),
            "get-current-epoch" => self.op_dynamic("op_invocation", &[k(1), site]),
            "%program-id" => self.op_dynamic("op_invocation", &[k(2), site]),
            "now" => self.op_dynamic("op_now", &[site]),
            predicate if type_mask(predicate).is_some() => self.op_dynamic("op_type_is", &[k(type_mask(predicate).unwrap_or(0)), site]),
            _ => return Ok(false),
        };
        emitted.map(|()| true)
    }

    /// What a builtin value points at: its id, then its name as a string object inline (a
    /// pointer in a constant would need a writable `.data.rel.ro` relocation), flat bytes like
    /// every constant.
    fn builtin_descriptor(&mut self, id: u16, name: &str) -> IntValue<'ctx> {
        // One per builtin, so that `(= + +)` holds as it does in the interpreter.
        if let Some(d) = self.descriptors.get(&id) {
            return *d;
        }
        let contents = crate::support::object_bytes(&[u64::from(id), name.len() as u64], name.as_bytes());
        let global = self.constant_object(&format!("ovsm.builtin.{id}"), &contents);
        let d = global.const_to_int(self.i64t);
        self.descriptors.insert(id, d);
        d
    }

    fn constant(&mut self, c: &Constant, site: u64) -> Built<()> {
        match c {
            Constant::Int(k) => self.push(2, self.sint(*k), site),
            Constant::Bool(b) => self.push(1, self.int(u64::from(*b)), site),
            Constant::Nil => self.push(0, self.int(0), site),
            Constant::Str(s) => {
                let p = self.string_int(s.as_bytes());
                self.push(4, p, site)
            }
            Constant::Keyword(k) => {
                let p = self.string_int(k.as_bytes());
                self.push(5, p, site)
            }
            Constant::Array(items) => {
                for item in items {
                    self.constant(item, site)?;
                }
                self.op("op_make_array", &[items.len() as u64], site)
            }
            Constant::Float(f) => self.push(3, self.int(f.to_bits()), site),
            Constant::Map(pairs) => {
                for (k, v) in pairs {
                    self.constant(k, site)?;
                    self.constant(v, site)?;
                }
                self.op("op_make_map", &[pairs.len() as u64], site)
            }
            Constant::Program(name) => {
                let p = self.string_int(name.as_bytes());
                self.push(12, p, site)
            }
        }
    }

    /// A call of a builtin with n arguments on the stack.
    fn builtin(&mut self, name: &str, n: u64, span: Span, site: u64) -> Built<()> {
        // A call with the wrong number of arguments is a run-time error in the interpreter
        // (the verifier only warns): compile it to that error.
        if let Some(b) = ovsm_stdlib::BUILTINS.iter().find(|b| b.name == name) {
            if !b.arity.accepts(n as usize) {
                let name_ptr = self.string(name.as_bytes());
                let max = b.arity.max.map_or(-1, i64::from);
                let args = [
                    name_ptr.into(),
                    self.int(u64::from(b.arity.min)).into(),
                    self.sint(max).into(),
                    self.int(n).into(),
                    self.int(site).into(),
                ];
                let status = self.call_value("ovsm_builtin_arity", &args)?;
                return self.check(status);
            }
        }
        if let Some(syscall) = ovsm_stdlib::syscalls::syscall_for(name) {
            let op = self.string(name.as_bytes());
            let args = [self.int(syscall.selector).into(), self.int(n).into(), op.into(), self.int(site).into()];
            let status = self.call_value("op_syscall", &args)?;
            return self.check(status);
        }
        match (name, n) {
            // A one-argument `error` raises its string as it is; with more, the first is a
            // format (op_format would read placeholders in a lone message too).
            ("error", 1) => self.op("op_error", &[], site),
            ("error", _) => self.op("op_format", &[n, 1], site),
            _ => {
                if name == "random" {
                    // Not a gap to fill: every validator must compute the same result.
                    self.unsupported.push(Diagnostic::error(
                        UNSUPPORTED,
                        "`random` cannot run on chain: a Solana program is deterministic, so it has no source of randomness (read a VRF oracle's account instead)",
                    )
                    .with_label(span, "used here")
                    .with_note("`ovsm run` on the source runs it in the interpreter, where scripts may use it"));
                } else if !self.builtin_op(name, self.int(n), self.int(site))? {
                    self.unsupported.push(unsupported(&format!("the builtin `{name}`"), span));
                }
                Ok(())
            }
        }
    }
}

/// The ids of `+`, `-` and `*` if the program takes them as values (`BuiltinRef`).
fn arith_values(program: &Program) -> Vec<u16> {
    let mut ids: Vec<u16> = program
        .functions
        .iter()
        .flat_map(|f| &f.code)
        .filter_map(|instr| match instr {
            Instr::BuiltinRef(b) if ovsm_stdlib::get(*b).is_some_and(|b| matches!(b.name, "+" | "-" | "*")) => Some(b.0),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Whether entry `id` does nothing a program can observe once its unused definitions are left
/// out: it pushes and pops constants, and defines globals with functions nothing reachable
/// uses. That is the prelude's top level in a program that uses none of the functions it
/// defines; the last of them (`Closure, Dup, DefineGlobal, Return`: its value is the entry's) is
/// not one of the `unused_definitions`.
fn does_nothing(
    f: &Function,
    id: u32,
    skipped: &std::collections::HashSet<(u32, usize)>,
    needed: &std::collections::BTreeSet<u32>,
) -> bool {
    let before = |pc: usize, back: usize| pc.checked_sub(back).and_then(|p| f.code.get(p));
    let unused_closure = |instr: Option<&Instr>| matches!(instr, Some(Instr::Closure(c)) if !needed.contains(&c.0));
    f.code.iter().enumerate().all(|(pc, instr)| {
        skipped.contains(&(id, pc))
            || match instr {
                Instr::Nil | Instr::True | Instr::False | Instr::Int(_) | Instr::Const(_) | Instr::Pop | Instr::Dup | Instr::Return => true,
                Instr::Closure(c) => !needed.contains(&c.0),
                Instr::DefineGlobal(_) => {
                    unused_closure(before(pc, 1)) || (matches!(before(pc, 1), Some(Instr::Dup)) && unused_closure(before(pc, 2)))
                }
                _ => false,
            }
    })
}

/// The top level's definitions of functions that nothing reachable uses (the prelude's `map`,
/// `filter`... in most programs): `Closure, DefineGlobal` and `Closure, Dup, DefineGlobal, Pop`
/// leave the stack as they found it and define a global no compiled code reads, so they are
/// left out: every invocation of an autonomous program runs the top level again, and would
/// pay for them each time. Only straight-line runs qualify (no jump lands inside one).
fn unused_definitions(program: &Program, needed: &std::collections::BTreeSet<u32>) -> std::collections::HashSet<(u32, usize)> {
    let mut skipped = std::collections::HashSet::new();
    for entry in &program.entries {
        let Some(f) = program.function(*entry) else { continue };
        let targets: std::collections::HashSet<usize> = f.code.iter().filter_map(jump_target).map(|t| t as usize).collect();
        for (pc, window) in f.code.windows(4).enumerate() {
            let len = match window {
                [Instr::Closure(c), Instr::DefineGlobal(_), ..] if !needed.contains(&c.0) => 2,
                [Instr::Closure(c), Instr::Dup, Instr::DefineGlobal(_), Instr::Pop] if !needed.contains(&c.0) => 4,
                _ => continue,
            };
            if (pc + 1..pc + len).all(|inner| !targets.contains(&inner)) {
                skipped.extend((pc..pc + len).map(|p| (entry.0, p)));
            }
        }
    }
    skipped
}

/// Every function but `entrypoint` becomes internal, so LLVM drops what the program never uses.
pub fn internalize(module: &Module<'_>) {
    let mut f = module.get_first_function();
    while let Some(function) = f {
        let name = function.get_name().to_string_lossy();
        if function.count_basic_blocks() > 0 && name != "entrypoint" {
            function.set_linkage(Linkage::Internal);
        }
        f = function.get_next_function();
    }
}
