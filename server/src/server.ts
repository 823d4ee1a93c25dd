// Language server wiring only; the engine lives in server/src/{python,index,rules,fix}.
export {};
